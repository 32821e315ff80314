/// A tensor file or I/O bundle that cannot be read or does not fit the model. One line, naming the file.
public struct TensorIOError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
