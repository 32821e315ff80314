import ONNX

/// Applies rules to a graph until none changes it (or `maxPasses` sweeps).
public struct Rewriter: Sendable {
    public let rules: [any Rule]
    public let maxPasses: Int

    public init(rules: [any Rule], maxPasses: Int = 16) {
        self.rules = rules
        self.maxPasses = maxPasses
    }

    /// How often each rule changed the graph.
    public struct Report: Equatable, Sendable {
        public var applications: [String: Int] = [:]
        public var passes = 0
    }

    public func rewrite(_ model: Model) throws -> (Model, Report) {
        var model = model
        var report = Report()
        guard let graph = model.graph, !rules.isEmpty else { return (model, report) }
        model.graph = try rewrite(graph, opset: model.opsetVersion(for: "") ?? 0, report: &report)
        return (model, report)
    }

    func rewrite(_ graph: Graph, opset: Int64, report: inout Report) throws -> Graph {
        var graph = graph
        for _ in 0..<maxPasses {
            report.passes += 1
            guard try sweep(&graph, opset: opset, report: &report) else { break }
        }
        return graph
    }

    /// One pass over the nodes; true if any rule changed the graph.
    private func sweep(_ graph: inout Graph, opset: Int64, report: inout Report) throws -> Bool {
        // One view per sweep: a sweep ends at the first change, so the view never goes stale.
        let view = GraphView(graph: graph, opset: opset)
        for (index, node) in graph.nodes.enumerated() where node.domain.isEmpty || node.domain == "ai.onnx" {
            for rule in rules where rule.opTypes.contains(node.opType) && rule.matches(node, in: view) {
                let effect: RuleEffect
                do {
                    effect = try rule.apply(node, in: view)
                } catch {
                    throw RewriteError.ruleFailed(rule: rule.name, node: node.label, reason: "\(error)")
                }
                if apply(effect, at: index, in: &graph, view: view) {
                    report.applications[rule.name, default: 0] += 1
                    return true
                }
            }
        }
        return false
    }

    private func apply(_ effect: RuleEffect, at index: Int, in graph: inout Graph, view: GraphView) -> Bool {
        switch effect {
        case .unchanged:
            return false
        case .replaced(let nodes):
            graph.nodes.replaceSubrange(index...index, with: nodes)
            return true
        case .removed(let forwarding):
            // A graph output's name is part of the model's interface: it cannot be forwarded away.
            guard !forwarding.keys.contains(where: view.isGraphOutput) else { return false }
            graph.nodes.remove(at: index)
            for i in graph.nodes.indices {
                graph.nodes[i].inputs = graph.nodes[i].inputs.map { forwarding[$0] ?? $0 }
            }
            return true
        }
    }
}
