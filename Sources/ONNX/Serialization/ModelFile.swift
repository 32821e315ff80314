import Foundation
import SwiftProtobuf

/// Loading and saving `.onnx` files.
public enum ModelFile {
    public struct LoadOptions: Sendable {
        /// Read tensors stored in external files into memory (otherwise they stay references).
        public var loadExternalData: Bool

        public init(loadExternalData: Bool = true) { self.loadExternalData = loadExternalData }
    }

    /// Reads a model file; external data is read relative to the file's folder.
    public static func load(_ url: URL, options: LoadOptions = LoadOptions()) throws -> Model {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw FormatError(file: url.path, "cannot read file")
        }
        return try decode(data, source: url.path, baseDirectory: url.deletingLastPathComponent(), options: options)
    }

    /// Decodes a serialized `ModelProto`. `source` names the input in errors.
    public static func decode(
        _ data: Data, source: String, baseDirectory: URL?, options: LoadOptions = LoadOptions()
    ) throws -> Model {
        let proto = try decodeProto(data, source: source)
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
        guard proto.hasGraph || !proto.functions.isEmpty, proto.unknownFields.data.isEmpty || proto.hasIrVersion else {
            throw FormatError(file: source, "not an ONNX model (no graph)")
        }
        return proto
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
