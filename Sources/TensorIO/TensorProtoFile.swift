import Foundation
import Limits
import ONNX

/// Single `TensorProto` files (`input_0.pb`, as in onnx's backend test data).
public enum TensorProtoFile {
    public static func read(from url: URL) throws -> Tensor {
        // The whole file is read, then parsed into a second copy: check its size first.
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        let budget = MemoryBudget.current
        guard size <= budget.bytes else {
            throw TensorIOError(file: url.path, "file of \(MemoryBudget.format(size)), over the memory budget of \(budget) (--max-memory)")
        }
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

    /// The elements must match the dims, whichever field holds them, or later readers index past the data.
    /// A truncated file often still parses (protobuf has no length header), just without its data.
    static func checkSize(_ tensor: Tensor, source: String) throws {
        guard let type = tensor.dataType, type != .undefined else {
            throw TensorIOError(file: source, "tensor '\(tensor.name)' has no data type")
        }
        guard let count = tensor.elementCount else {
            throw TensorIOError(file: source, "tensor '\(tensor.name)' has invalid dims \(tensor.dims)")
        }
        let field: String
        switch tensor.storage {
        case .none: field = "no data field"
        case .raw: field = "raw_data"
        case .floats: field = "float_data"
        case .int32s: field = "int32_data"
        case .int64s: field = "int64_data"
        case .doubles: field = "double_data"
        case .uint64s: field = "uint64_data"
        case .strings(let values):
            guard type == .string else {
                throw TensorIOError(file: source, "tensor '\(tensor.name)' of type \(type) has string_data")
            }
            guard values.count == count else {
                throw TensorIOError(
                    file: source, "tensor '\(tensor.name)' has \(values.count) strings, dims \(tensor.dims) need \(count)")
            }
            return
        case .external(let ref):
            throw TensorIOError(
                file: source,
                "tensor '\(tensor.name)' refers to external data ('\(ref.location ?? "")'), which a tensor file cannot use")
        }
        if type == .string {
            guard count == 0, case .none = tensor.storage else {
                throw TensorIOError(
                    file: source, "string tensor '\(tensor.name)' needs \(count) strings in string_data, has \(field)")
            }
            return
        }
        let bytes: Data
        do {
            bytes = try tensor.rawBytes()
        } catch {
            throw TensorIOError(file: source, "\(error)")
        }
        let need = type.byteCount(elements: count)
        guard bytes.count == need else {
            throw TensorIOError(
                file: source,
                "tensor '\(tensor.name)' has \(bytes.count) bytes of data (\(field)), dims \(tensor.dims) of \(type) need \(need)")
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
