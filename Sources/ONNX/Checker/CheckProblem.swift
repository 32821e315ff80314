/// One thing wrong with a model, located by graph and node.
public struct CheckProblem: Equatable, Sendable, CustomStringConvertible {
    /// The graph path: "main", or "main/If_0:then_branch" for a nested graph; a function's name.
    public var graph: String
    /// `name (OpType)` of the node, or nil for graph-level problems.
    public var node: String?
    public var message: String

    public var description: String {
        node.map { "\(graph): node \($0): \(message)" } ?? "\(graph): \(message)"
    }
}
