import Foundation
import SwiftProtobuf

extension ModelFile {
    /// Where tensor bytes go when saving.
    public enum ExternalDataPolicy: Sendable, Equatable {
        /// Everything inline; fails if the model would pass protobuf's 2 GB limit.
        case never
        /// Tensors of at least `threshold` bytes go to `location` (default: `<model file>.data`).
        case always(location: String?, threshold: Int)
        /// Inline, unless the tensors would pass the 2 GB limit; then as `.always(nil, 1024)`.
        case automatic
    }

    public struct SaveOptions: Sendable {
        public var externalData: ExternalDataPolicy
        public init(externalData: ExternalDataPolicy = .automatic) { self.externalData = externalData }
    }

    /// What a save wrote.
    public struct SaveReport: Sendable, Equatable {
        public var modelBytes: Int
        public var externalFile: URL?
        public var externalBytes: Int64
        public var externalTensors: Int
    }

    /// Protobuf messages cannot pass 2 GiB; leave room for the graph around the tensors.
    static let inlineLimit: Int64 = 2_000_000_000 - 64 * 1_048_576

    /// Writes `model` to `url` atomically: the model (and its external data file) appear complete or not
    /// at all. External references still unloaded in `model` are read and written out again, so the saved
    /// model never points at files beside the original.
    @discardableResult
    public static func save(_ model: Model, to url: URL, options: SaveOptions = SaveOptions()) throws -> SaveReport {
        let policy = resolvedPolicy(options.externalData, for: model)
        let staging = StagedFiles()
        defer { staging.discard() }
        var placement = SavePlacement(modelFile: url.path)
        var externalURL: URL?
        if case .always(let location, let threshold) = policy {
            let name = location ?? url.lastPathComponent + ".data"
            try checkExternalLocation(name, model: url.path)
            let target = url.deletingLastPathComponent().appendingPathComponent(name)
            placement.external = try ExternalDataSink(
                location: name, file: try staging.stage(target), threshold: threshold, modelFile: url.path)
            externalURL = target
        }
        let proto = try model.proto(placing: &placement)
        let chunks: [Data]
        do {
            chunks = try ChunkedEncoding.chunks(of: proto)
        } catch {
            throw FormatError(file: url.path, "model is over protobuf's 2 GB limit; save with external data")
        }
        let size = chunks.reduce(0) { $0 + $1.count }
        guard size < Int(Int32.max) else {
            throw FormatError(file: url.path, "model is over protobuf's 2 GB limit; save with external data")
        }
        try placement.external?.finish()
        let modelTemp = try staging.stage(url)
        try write(chunks, to: modelTemp, final: url)
        try staging.commit()
        return SaveReport(
            modelBytes: size, externalFile: externalURL,
            externalBytes: placement.external?.bytesWritten ?? 0, externalTensors: placement.external?.tensorCount ?? 0)
    }

    static func resolvedPolicy(_ policy: ExternalDataPolicy, for model: Model) -> ExternalDataPolicy {
        guard policy == .automatic else { return policy }
        var total: Int64 = 0
        model.forEachTensor { total += Int64($0.byteCount) }
        return total > inlineLimit ? .always(location: nil, threshold: 1024) : .never
    }

    static func checkExternalLocation(_ name: String, model: String) throws {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw FormatError(file: model, "external data location '\(name)' must be a plain file name")
        }
    }

    static func write(_ chunks: [Data], to temp: URL, final: URL) throws {
        guard FileManager.default.createFile(atPath: temp.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temp) else {
            throw FormatError(file: final.path, "cannot write file")
        }
        do {
            for chunk in chunks { try handle.write(contentsOf: chunk) }
            try handle.close()
        } catch {
            try? handle.close()
            throw FormatError(file: final.path, "cannot write file")
        }
    }
}

/// Encodes tensors for saving: big ones to the external sink if there is one, references read back in.
struct SavePlacement: TensorPlacement {
    let modelFile: String
    var external: ExternalDataSink?
    private var reader: ExternalDataReader

    init(modelFile: String) {
        self.modelFile = modelFile
        reader = ExternalDataReader(modelFile: modelFile)
    }

    mutating func encode(_ tensor: Tensor) throws -> Onnx_TensorProto {
        var tensor = tensor
        if case .external(let ref) = tensor.storage {
            tensor.storage = .raw(try reader.bytes(for: ref, tensor: tensor.name))
            tensor.declaredDataLocation = nil
        }
        if var sink = external, sink.wants(tensor) {
            defer { external = sink }
            return try sink.write(tensor)
        }
        return tensor.proto()
    }
}

/// Appends tensor bytes to the external data file at 4096-byte aligned offsets (onnx.proto asks for page
/// alignment so that runtimes can mmap them).
struct ExternalDataSink {
    let location: String
    let handle: FileHandle
    let threshold: Int
    let modelFile: String
    private(set) var bytesWritten: Int64 = 0
    private(set) var tensorCount = 0

    init(location: String, file: URL, threshold: Int, modelFile: String) throws {
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: file) else {
            throw FormatError(file: modelFile, "cannot create external data file '\(location)'")
        }
        self.location = location
        self.handle = handle
        self.threshold = threshold
        self.modelFile = modelFile
    }

    func wants(_ tensor: Tensor) -> Bool {
        guard tensor.dataType != .string, tensor.dataType != nil else { return false }
        switch tensor.storage {
        case .none, .strings: return false
        default: return tensor.byteCount >= threshold
        }
    }

    mutating func write(_ tensor: Tensor) throws -> Onnx_TensorProto {
        let bytes = try tensor.rawBytes()
        let padding = (4096 - Int(bytesWritten % 4096)) % 4096
        let offset = bytesWritten + Int64(padding)
        do {
            if padding > 0 { try handle.write(contentsOf: Data(count: padding)) }
            try handle.write(contentsOf: bytes)
        } catch {
            throw FormatError(file: modelFile, "cannot write external data file '\(location)'")
        }
        bytesWritten = offset + Int64(bytes.count)
        tensorCount += 1
        var external = tensor
        external.storage = .external(ExternalDataReference(
            entries: [
                MetadataEntry(key: "location", value: location),
                MetadataEntry(key: "offset", value: String(offset)),
                MetadataEntry(key: "length", value: String(bytes.count)),
            ],
            baseDirectory: nil))
        external.declaredDataLocation = 1
        return external.proto()
    }

    func finish() throws {
        do { try handle.close() } catch {
            throw FormatError(file: modelFile, "cannot write external data file '\(location)'")
        }
    }
}
