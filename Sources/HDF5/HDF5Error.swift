/// Everything that can go wrong reading an HDF5 file.
///
/// The description is one line, `<file>: <object>: <message>` (or `<file>: <message>` for the file as a
/// whole), so a CLI can print it as is and a user sees which file and which group, dataset or attribute
/// is at fault. When libhdf5 itself refused, its innermost message is part of `message`.
public struct HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path the file was opened with.
    public let file: String
    /// The full object path inside the file (`/model_weights/dense`), or nil for the file itself.
    public let object: String?
    public let message: String

    public init(file: String, object: String?, message: String) {
        self.file = file
        self.object = object
        self.message = message
    }

    public var description: String {
        let text = [file, object, message].compactMap { $0 }.joined(separator: ": ")
        // libhdf5 messages and file-supplied names may contain newlines; a log line must not.
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}
