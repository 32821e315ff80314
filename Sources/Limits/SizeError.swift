/// A size, count or shape from input data that cannot be allocated: negative, overflowing, or over the
/// memory budget. It names what carried the number (a tensor, a dataset, a layer); the caller adds the file.
public struct SizeError: Error, Equatable, CustomStringConvertible {
    public var subject: String
    public var problem: String

    public init(subject: String, problem: String) {
        self.subject = subject
        self.problem = problem
    }

    public var description: String { subject.isEmpty ? problem : "\(subject): \(problem)" }
}
