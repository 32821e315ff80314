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
public struct GraphView: Sendable {
    public let graph: Graph
    public let opset: Int64
    private let consumerCounts: [String: Int]
    private let producers: [String: Int]
    private let initializerIndex: [String: Int]
    private let graphOutputs: Set<String>

    public init(graph: Graph, opset: Int64) {
        self.graph = graph
        self.opset = opset
        var counts: [String: Int] = [:], producers: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for input in node.inputs where !input.isEmpty { counts[input, default: 0] += 1 }
            for output in node.outputs where !output.isEmpty { producers[output] = i }
        }
        consumerCounts = counts
        self.producers = producers
        initializerIndex = Dictionary(graph.initializers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        graphOutputs = Set(graph.outputs.map(\.name))
    }

    public func consumerCount(of value: String) -> Int { consumerCounts[value] ?? 0 }
    public func producer(of value: String) -> Node? { producers[value].map { graph.nodes[$0] } }
    public func initializer(_ name: String) -> Tensor? { initializerIndex[name].map { graph.initializers[$0] } }
    public func isGraphOutput(_ value: String) -> Bool { graphOutputs.contains(value) }
}
