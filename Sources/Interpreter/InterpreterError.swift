import ONNX

/// Why the interpreter could not prepare or run a model. Each case prints as one line naming the node
/// (and its op) or the input it is about.
public enum InterpreterError: Error, Equatable, CustomStringConvertible {
    /// Every op of the model (nested graphs included) that has no kernel, listed at once.
    case unsupportedOps([String])
    case missingInput(String)
    case unexpectedInput(String, expected: [String])
    case inputTypeMismatch(input: String, expected: String, got: String)
    case inputShapeMismatch(input: String, expected: String, got: [Int])
    /// A node failed: its label (`name (OpType)`) and why.
    case nodeFailed(node: String, reason: String)
    case badTensor(name: String, reason: String)
    case invalidModel(String)

    public var description: String {
        switch self {
        case .unsupportedOps(let ops):
            return "no kernel for \(ops.count) op(s): \(ops.joined(separator: ", "))"
        case .missingInput(let name): return "input '\(name)' is missing"
        case .unexpectedInput(let name, let expected):
            return "unknown input '\(name)'; the model's inputs are \(expected.joined(separator: ", "))"
        case .inputTypeMismatch(let input, let expected, let got):
            return "input '\(input)' must be \(expected), got \(got)"
        case .inputShapeMismatch(let input, let expected, let got):
            return "input '\(input)' must have shape \(expected), got \(got)"
        case .nodeFailed(let node, let reason): return "node \(node): \(reason)"
        case .badTensor(let name, let reason): return "tensor '\(name)': \(reason)"
        case .invalidModel(let reason): return reason
        }
    }
}

/// A kernel's complaint about its inputs or attributes; the executor adds the node.
public struct KernelError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
