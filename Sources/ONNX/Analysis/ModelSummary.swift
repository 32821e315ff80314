/// The facts `inspect` prints about a model, computed once from the IR.
public struct ModelSummary: Sendable, Equatable {
    public struct OpCount: Sendable, Equatable {
        /// `OpType`, or `domain::OpType` outside ai.onnx.
        public var op: String
        public var count: Int
    }

    public var producer: String
    public var irVersion: Int64?
    public var opsets: [(domain: String, version: Int64)]
    public var graphName: String
    public var inputs: [Value]
    public var outputs: [Value]
    /// Nodes of the main graph and all nested graphs and functions, most frequent first.
    public var opHistogram: [OpCount]
    public var nodeCount: Int
    /// Elements and bytes of all initializers (nested graphs included).
    public var parameterCount: Int
    public var parameterBytes: Int
    public var externalTensorCount: Int
    public var functionCount: Int

    public static func == (a: ModelSummary, b: ModelSummary) -> Bool {
        a.producer == b.producer && a.irVersion == b.irVersion && a.opsets.elementsEqual(b.opsets, by: ==)
            && a.graphName == b.graphName && a.inputs == b.inputs && a.outputs == b.outputs
            && a.opHistogram == b.opHistogram && a.nodeCount == b.nodeCount && a.parameterCount == b.parameterCount
            && a.parameterBytes == b.parameterBytes && a.externalTensorCount == b.externalTensorCount
            && a.functionCount == b.functionCount
    }

    public init(_ model: Model) {
        producer = [model.producerName, model.producerVersion].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        irVersion = model.$irVersion
        opsets = model.opsetImports.map { ($0.isDefaultDomain ? "ai.onnx" : $0.domain, $0.version) }
        graphName = model.graph?.name ?? ""
        inputs = model.graph?.runtimeInputs ?? []
        outputs = model.graph?.outputs ?? []
        functionCount = model.functions.count

        var counts: [String: Int] = [:]
        var nodes = 0, parameters = 0, bytes = 0, external = 0
        func visit(_ graph: Graph) {
            graph.forEachGraph { g in
                for node in g.nodes {
                    counts[Self.opName(node), default: 0] += 1
                    nodes += 1
                }
                for tensor in g.initializers {
                    parameters += tensor.elementCount ?? 0
                    bytes += tensor.byteCount
                    if tensor.isExternal { external += 1 }
                }
            }
        }
        if let graph = model.graph { visit(graph) }
        for function in model.functions {
            visit(Graph(name: function.name, nodes: function.nodes))
        }
        opHistogram = counts.map { OpCount(op: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.op) > ($1.count, $0.op) }
        nodeCount = nodes
        parameterCount = parameters
        parameterBytes = bytes
        externalTensorCount = external
    }

    static func opName(_ node: Node) -> String {
        node.domain.isEmpty || node.domain == "ai.onnx" ? node.opType : "\(node.domain)::\(node.opType)"
    }
}
