import Foundation
import SwiftProtobuf

/// Loading and saving `.onnx` files.
public enum ModelFile {
    public struct LoadOptions: Sendable {
        /// Read tensors stored in external files into memory (otherwise they stay references).
        public var loadExternalData: Bool

        public init(loadExternalData: Bool = true) { self.loadExternalData = loadExternalData }
    }

    /// Reads a model file; external data is read relative to the file's folder. The file is mapped, and big
    /// tensors share the mapping rather than being copied.
    public static func load(_ url: URL, options: LoadOptions = LoadOptions()) throws -> Model {
        let file = try MappedFile(url)
        if file.count == 0 { throw FormatError(file: url.path, "empty file, not an ONNX model") }
        guard let proto = ZeroCopyDecoding(file: file).decodeModel() else {
            return try decode(file.data, source: url.path, baseDirectory: url.deletingLastPathComponent(), options: options)
        }
        try validate(proto, source: url.path)
        return try model(from: proto, source: url.path, baseDirectory: url.deletingLastPathComponent(), options: options)
    }

    /// Decodes a serialized `ModelProto`. `source` names the input in errors.
    public static func decode(
        _ data: Data, source: String, baseDirectory: URL?, options: LoadOptions = LoadOptions()
    ) throws -> Model {
        try model(from: try decodeProto(data, source: source), source: source, baseDirectory: baseDirectory, options: options)
    }

    static func model(from proto: Onnx_ModelProto, source: String, baseDirectory: URL?, options: LoadOptions) throws -> Model {
        var model: Model
        do {
            model = try Model(proto: proto, baseDirectory: baseDirectory)
        } catch let error as UnknownEnumValue {
            throw FormatError(file: source, "\(error.owner): unknown \(error.what) \(error.value)")
        }
        if options.loadExternalData {
            try model.loadExternalData(modelFile: source)
        }
        return model
    }

    /// Decodes the message, refusing bytes that parse only as a bag of unknown fields (random data often
    /// does: protobuf has no magic number).
    static func decodeProto(_ data: Data, source: String) throws -> Onnx_ModelProto {
        if data.isEmpty { throw FormatError(file: source, "empty file, not an ONNX model") }
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw FormatError(file: source, "not an ONNX model (\(describe(error)))")
        }
        try validate(proto, source: source)
        return proto
    }

    static func validate(_ proto: Onnx_ModelProto, source: String) throws {
        guard proto.hasGraph || !proto.functions.isEmpty, proto.unknownFields.data.isEmpty || proto.hasIrVersion else {
            throw FormatError(file: source, "not an ONNX model (no graph)")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case BinaryDecodingError.truncated: return "truncated protobuf"
        case BinaryDecodingError.malformedProtobuf: return "malformed protobuf"
        case BinaryDecodingError.messageDepthLimit: return "graph nesting too deep"
        case BinaryDecodingError.invalidUTF8: return "invalid UTF-8 in a string field"
        default: return "invalid protobuf"
        }
    }
}
