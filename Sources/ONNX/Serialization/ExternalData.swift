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
        let folder = (base ?? URL(fileURLWithPath: ".")).standardizedFileURL
        let url = folder.appendingPathComponent(location).standardizedFileURL
        if let cached = mapped[url] { return cached }
        try checkInside(folder, url, location: location, tensor: tensor)
        do {
            let file = try MappedFile(url)
            mapped[url] = file
            return file
        } catch let error as FormatError {
            throw FormatError(file: modelFile, "tensor '\(tensor)': external data file '\(location)': \(error.message)")
        }
    }

    /// A symbolic link inside the folder may point anywhere (`weights.data -> /etc/passwd`): the location
    /// must still be inside the model's folder once every link is resolved, and be a regular file — a
    /// FIFO or device would block or never end when opened and read.
    private func checkInside(_ folder: URL, _ url: URL, location: String, tensor: String) throws {
        guard let realFolder = Self.realPath(folder.path) else {
            throw FormatError(file: modelFile, "tensor '\(tensor)': the model's folder cannot be resolved")
        }
        guard let realFile = Self.realPath(url.path) else {
            throw FormatError(file: modelFile, "tensor '\(tensor)': external data file '\(location)' does not exist")
        }
        let prefix = realFolder.hasSuffix("/") ? realFolder : realFolder + "/"
        guard realFile.hasPrefix(prefix) else {
            throw FormatError(file: modelFile, "tensor '\(tensor)': external data location '\(location)' leaves the model's folder (through a symbolic link)")
        }
        var status = stat()
        guard stat(realFile, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw FormatError(file: modelFile, "tensor '\(tensor)': external data location '\(location)' is not a regular file")
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
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
