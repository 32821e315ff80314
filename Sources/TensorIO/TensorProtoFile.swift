import Foundation
import ONNX

/// Single `TensorProto` files (`input_0.pb`, as in onnx's backend test data).
public enum TensorProtoFile {
    public static func read(from url: URL) throws -> Tensor {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TensorIOError(file: url.path, "cannot read file")
        }
        return try decode(data, source: url.path)
    }

    public static func decode(_ data: Data, source: String) throws -> Tensor {
        let proto: Onnx_TensorProto
        do {
            proto = try Onnx_TensorProto(serializedBytes: data)
        } catch {
            throw TensorIOError(file: source, "not a TensorProto file (invalid protobuf)")
        }
        // Protobuf has no magic number: random bytes can parse as unknown fields. A tensor file written by
        // onnx always carries its data type.
        guard proto.hasDataType, proto.unknownFields.data.isEmpty else {
            throw TensorIOError(file: source, "not a TensorProto file (no data type)")
        }
        let tensor: Tensor
        do {
            tensor = try Tensor(proto: proto, source: source)
        } catch let error as FormatError {
            throw TensorIOError(file: source, error.message)
        }
        try checkSize(tensor, source: source)
        return tensor
    }

    /// The element bytes must match the dims, or later readers index past the data.
    static func checkSize(_ tensor: Tensor, source: String) throws {
        guard let count = tensor.elementCount else {
            throw TensorIOError(file: source, "tensor '\(tensor.name)' has invalid dims \(tensor.dims)")
        }
        guard tensor.dataType != .string, case .raw(let data) = tensor.storage, let type = tensor.dataType else { return }
        guard data.count == type.byteCount(elements: count) else {
            throw TensorIOError(
                file: source,
                "tensor '\(tensor.name)' has \(data.count) bytes of data, dims \(tensor.dims) of \(type) need \(type.byteCount(elements: count))")
        }
    }

    public static func encode(_ tensor: Tensor) throws -> Data {
        try tensor.proto().serializedBytes()
    }

    /// Writes atomically: a temporary file in the same folder renamed into place.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        let staging = StagedFiles()
        defer { staging.discard() }
        let temp = try staging.stage(url)
        do {
            try encode(tensor).write(to: temp)
        } catch {
            throw TensorIOError(file: url.path, "cannot write file")
        }
        try staging.commit()
    }
}
