/// A file that is not what it claims to be, or that this tool cannot read or write.
/// `description` is the one line the CLI prints: `<file>: <what>`.
public struct FormatError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { file.isEmpty ? message : "\(file): \(message)" }
}

/// A value in a message that the IR has no meaning for (thrown while decoding, then given a file name).
struct UnknownEnumValue: Error {
    var what: String
    var value: Int32
    var owner: String
}
