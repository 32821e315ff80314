/// Structural checks of a model: every problem is reported, each with the node it is about.
///
/// It checks what can go wrong when graphs are built or rewritten — values used but never produced or
/// produced twice, graph outputs nobody produces, missing opset imports, ops unknown at the imported opset
/// (or removed), attributes unknown, missing or of the wrong type, input/output counts outside the
/// schema's range, and attribute values that no runtime can execute (`AttributeSemantics`: a perm that is
/// no permutation, a zero stride, an axis beyond the input's rank where `RankInference` knows it). Types
/// and shapes beyond that are the interpreter's business.
public struct ModelChecker: Sendable {
    public let schemas: OpSchemaRegistry

    public init(schemas: OpSchemaRegistry = .standard) { self.schemas = schemas }

    public func check(_ model: Model) -> [CheckProblem] {
        var problems: [CheckProblem] = []
        let functions = Set(model.functions.map { FunctionKey(domain: $0.domain, name: $0.name) })
        if let graph = model.graph {
            let scope = Scope(opsets: OpsetTable(model.opsetImports), functions: functions, inFunction: false)
            checkGraph(graph, path: graph.name.isEmpty ? "main" : graph.name, outer: [], outerRanks: [:], scope: scope, into: &problems)
        } else if model.functions.isEmpty {
            problems.append(CheckProblem(graph: "model", node: nil, message: "model has no graph"))
        }
        for function in model.functions {
            let scope = Scope(opsets: OpsetTable(function.opsetImports), functions: functions, inFunction: true)
            let body = Graph(
                name: function.name, nodes: function.nodes,
                inputs: function.inputs.map { Value(name: $0) }, outputs: function.outputs.map { Value(name: $0) })
            checkGraph(body, path: "function \(function.domain).\(function.name)", outer: [], outerRanks: [:], scope: scope, into: &problems)
        }
        return problems
    }

    struct FunctionKey: Hashable {
        var domain: String
        var name: String
    }

    struct Scope {
        var opsets: OpsetTable
        var functions: Set<FunctionKey>
        var inFunction: Bool
    }

    private func checkGraph(_ graph: Graph, path: String, outer: Set<String>, outerRanks: [String: Int], scope: Scope,
                            into problems: inout [CheckProblem]) {
        var defined = outer
        let ranks = RankInference(graph, outer: outerRanks)
        var producedHere = Set<String>()
        func define(_ name: String, what: String, node: String?) {
            guard !name.isEmpty else { return }
            if producedHere.contains(name) {
                problems.append(CheckProblem(graph: path, node: node, message: "\(what) '\(name)' is defined more than once"))
            }
            producedHere.insert(name)
            defined.insert(name)
        }
        for input in graph.inputs { define(input.name, what: "graph input", node: nil) }
        // IR < 4 lists initializers among the inputs too: an initializer may share an input's name.
        for tensor in graph.initializers where !graph.inputs.contains(where: { $0.name == tensor.name }) {
            define(tensor.name, what: "initializer", node: nil)
        }
        for sparse in graph.sparseInitializers {
            if let name = sparse.values?.name { define(name, what: "sparse initializer", node: nil) }
        }
        let producedLater = Set(graph.nodes.flatMap(\.outputs))
        for node in graph.nodes {
            for input in node.inputs where !input.isEmpty && !defined.contains(input) {
                let message = producedLater.contains(input)
                    ? "input '\(input)' is used before the node that produces it (nodes are not in topological order)"
                    : "input '\(input)' is not produced by any node, graph input or initializer"
                problems.append(CheckProblem(graph: path, node: node.label, message: message))
            }
            checkNode(node, path: path, scope: scope, ranks: ranks, into: &problems)
            for attribute in node.attributes {
                for (i, subgraph) in Self.graphs(in: attribute).enumerated() {
                    let suffix = Self.graphs(in: attribute).count > 1 ? "[\(i)]" : ""
                    checkGraph(subgraph, path: "\(path)/\(node.name.isEmpty ? node.opType : node.name):\(attribute.name)\(suffix)",
                               outer: defined, outerRanks: ranks.ranks, scope: scope, into: &problems)
                }
            }
            for output in node.outputs { define(output, what: "value", node: node.label) }
        }
        for output in graph.outputs where !defined.contains(output.name) {
            problems.append(CheckProblem(graph: path, node: nil, message: "graph output '\(output.name)' is not produced"))
        }
    }

    private static func graphs(in attribute: Attribute) -> [Graph] {
        switch attribute.value {
        case .graph(let g): return [g]
        case .graphs(let gs): return gs
        default: return []
        }
    }

    private func checkNode(_ node: Node, path: String, scope: Scope, ranks: RankInference, into problems: inout [CheckProblem]) {
        func report(_ message: String) {
            problems.append(CheckProblem(graph: path, node: node.label, message: message))
        }
        if node.opType.isEmpty { report("node has no op_type") }
        var seen = Set<String>()
        for attribute in node.attributes where !seen.insert(attribute.name).inserted {
            report("attribute '\(attribute.name)' appears more than once")
        }
        for attribute in node.attributes where attribute.referenceName != nil && !scope.inFunction {
            report("attribute '\(attribute.name)' refers to a function attribute outside a function")
        }
        let domain = OpSchemaRegistry.canonicalDomain(node.domain)
        if scope.functions.contains(FunctionKey(domain: node.domain, name: node.opType)) { return }
        guard let opset = scope.opsets.version(of: domain) else {
            report("domain '\(domain.isEmpty ? "ai.onnx" : domain)' has no opset import")
            return
        }
        // Custom domains have no schemas here: their ops cannot be checked further.
        guard schemas.domains.contains(domain) else { return }
        let lookupOpset = min(opset, schemas.latestOpset(domain: domain) ?? opset)
        guard let schema = schemas.schema(domain: domain, opType: node.opType, opset: lookupOpset) else {
            let since = schemas.sinceVersions(domain: domain, opType: node.opType)
            report(since.isEmpty
                ? "unknown op '\(node.opType)' in domain '\(domain.isEmpty ? "ai.onnx" : domain)'"
                : "op '\(node.opType)' does not exist at opset \(opset) (introduced in opset \(since[0]))")
            return
        }
        if schema.deprecated {
            report("op '\(node.opType)' was removed from opset \(schema.sinceVersion) (the model imports opset \(opset))")
            return
        }
        checkCounts(node, schema: schema, report: report)
        checkAttributes(node, schema: schema, report: report)
        for problem in AttributeSemantics.problems(node, rank: ranks.rank) { report(problem) }
    }

    private func checkCounts(_ node: Node, schema: OpSchema, report: (String) -> Void) {
        if !schema.inputCountRange.contains(node.inputs.count) {
            report("has \(node.inputs.count) inputs; \(node.opType)-\(schema.sinceVersion) takes \(Self.describe(schema.inputCountRange))")
        }
        if !schema.outputCountRange.contains(node.outputs.count) {
            report("has \(node.outputs.count) outputs; \(node.opType)-\(schema.sinceVersion) gives \(Self.describe(schema.outputCountRange))")
        }
    }

    private func checkAttributes(_ node: Node, schema: OpSchema, report: (String) -> Void) {
        for attribute in node.attributes {
            guard let expected = schema.attribute(named: attribute.name) else {
                report("unknown attribute '\(attribute.name)' for \(node.opType)-\(schema.sinceVersion)")
                continue
            }
            if attribute.referenceName == nil, attribute.type != expected.type {
                report("attribute '\(attribute.name)' is \(attribute.type), \(node.opType)-\(schema.sinceVersion) expects \(expected.type)")
            }
        }
        for required in schema.requiredAttributes where node.attribute(required.name) == nil {
            report("required attribute '\(required.name)' is missing")
        }
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        if range.lowerBound == range.upperBound { return "\(range.lowerBound)" }
        if range.upperBound == Int.max { return "at least \(range.lowerBound)" }
        return "\(range.lowerBound) to \(range.upperBound)"
    }
}

/// Imported opset versions by canonical domain.
struct OpsetTable {
    private var versions: [String: Int] = [:]

    init(_ imports: [OperatorSetID]) {
        for opset in imports {
            versions[OpSchemaRegistry.canonicalDomain(opset.domain)] = Int(clamping: opset.version)
        }
    }

    func version(of domain: String) -> Int? { versions[domain] }
}
