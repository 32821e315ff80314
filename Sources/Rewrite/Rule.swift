import ONNX

/// A local graph rewrite: looks at one node of the listed op types and proposes a replacement.
///
/// Rules never edit the graph themselves; they return an effect and the `Rewriter` applies it, so a rule
/// cannot leave the graph half-changed. "Does not apply" is `.unchanged`, not an error.
public protocol Rule: Sendable {
    /// snake_case, the same as the file that holds the rule; used by `--rules` and in reports.
    var name: String { get }
    /// The op types (ai.onnx domain) the rule looks at.
    var opTypes: Set<String> { get }
    /// A cheap test before `apply`.
    func matches(_ node: Node, in graph: GraphView) -> Bool
    func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect
}

/// What applying a rule to a node does.
public enum RuleEffect: Equatable, Sendable {
    case unchanged
    /// The node is replaced by these nodes, which produce the same output names.
    case replaced(by: [Node])
    /// The node is removed; each consumer of a key reads the value instead.
    case removed(forwarding: [String: String])
}

/// Read-only questions a rule asks about the graph around a node.
///
/// The `Rewriter` keeps one view for a whole pass and updates it with each change (`removing`/`adding`
/// the nodes involved): rebuilding it after every change made the layout pass quadratic in the graph size,
/// and holding the graph itself made every in-place edit copy the node array.
public struct GraphView: Sendable {
    public let opset: Int64
    private var consumerCounts: [String: Int] = [:]
    private var producers: [String: Node] = [:]
    private let initializers: [String: Tensor]
    private let graphOutputs: Set<String>

    public init(graph: Graph, opset: Int64) {
        self.opset = opset
        initializers = Dictionary(graph.initializers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        graphOutputs = Set(graph.outputs.map(\.name))
        for node in graph.nodes { adding(node) }
    }

    public func consumerCount(of value: String) -> Int { consumerCounts[value] ?? 0 }
    public func producer(of value: String) -> Node? { producers[value] }
    public func initializer(_ name: String) -> Tensor? { initializers[name] }
    public func isGraphOutput(_ value: String) -> Bool { graphOutputs.contains(value) }

    /// Records a node put into the graph.
    mutating func adding(_ node: Node) {
        for input in node.inputs where !input.isEmpty { consumerCounts[input, default: 0] += 1 }
        for output in node.outputs where !output.isEmpty { producers[output] = node }
    }

    /// Records a node taken out of the graph (before any replacement is added).
    mutating func removing(_ node: Node) {
        for input in node.inputs where !input.isEmpty {
            let left = (consumerCounts[input] ?? 0) - 1
            consumerCounts[input] = left > 0 ? left : nil
        }
        for output in node.outputs where !output.isEmpty { producers[output] = nil }
    }
}
