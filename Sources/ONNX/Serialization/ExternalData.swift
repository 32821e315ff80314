import Foundation

/// Reads tensor bytes kept in files beside the model (`data_location: EXTERNAL`).
///
/// Each external file is memory-mapped once; a tensor's bytes share the mapping (see `MappedFile`).
struct ExternalDataReader {
    let modelFile: String
    private var mapped: [URL: MappedFile] = [:]

    init(modelFile: String) { self.modelFile = modelFile }

    mutating func bytes(for ref: ExternalDataReference, tensor: String) throws -> Data {
        guard let location = ref.location, !location.isEmpty else {
            throw FormatError(file: modelFile, "tensor '\(tensor)': external data has no location")
        }
        // An entry that is there but not a number is an error, not "absent" (which would read from 0, or
        // to the end of the file, and give the tensor other bytes than its writer meant).
        func number(_ key: String) throws -> Int64? {
            guard let text = ref.entries[key: key] else { return nil }
            guard let value = Int64(text) else {
                throw FormatError(file: modelFile, "tensor '\(tensor)': external data \(key) '\(text)' is not a number")
            }
            return value
        }
        let offset = try number("offset") ?? 0
        let declaredLength = try number("length")
        let file = try self.file(location, relativeTo: ref.baseDirectory, tensor: tensor)
        let length = declaredLength ?? (Int64(file.count) - offset)
        guard offset >= 0, length >= 0, offset <= Int64(file.count), length <= Int64(file.count) - offset else {
            throw FormatError(
                file: modelFile,
                "tensor '\(tensor)': external data at offset \(offset), length \(length) lies outside '\(location)' (\(file.count) bytes)")
        }
        let start = Int(offset)
        return file.bytes(in: start..<(start + Int(length)))
    }

    private mutating func file(_ location: String, relativeTo base: URL?, tensor: String) throws -> MappedFile {
        // Locations are relative to the model's folder; refuse ones that leave it (onnx does the same).
        let components = location.split(separator: "/")
        guard !location.hasPrefix("/"), !components.contains("..") else {
            throw FormatError(file: modelFile, "tensor '\(tensor)': external data location '\(location)' leaves the model's folder")
        }
        let url = (base ?? URL(fileURLWithPath: ".")).appendingPathComponent(location).standardizedFileURL
        if let cached = mapped[url] { return cached }
        do {
            let file = try MappedFile(url)
            mapped[url] = file
            return file
        } catch {
            throw FormatError(file: modelFile, "tensor '\(tensor)': cannot read external data file '\(url.path)'")
        }
    }
}

extension Model {
    /// Replaces every external reference by the bytes it points to.
    mutating func loadExternalData(modelFile: String) throws {
        var reader = ExternalDataReader(modelFile: modelFile)
        try transformTensors { tensor in
            guard case .external(let ref) = tensor.storage else { return }
            tensor.storage = .raw(try reader.bytes(for: ref, tensor: tensor.name))
            tensor.declaredDataLocation = nil
        }
    }
}
