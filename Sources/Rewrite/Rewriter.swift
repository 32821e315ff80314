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

    /// One pass over the nodes; true if any rule changed the graph. After a change the view is updated and
    /// the pass goes on from the same place, so a transpose pushed down a chain travels all of it in one
    /// pass (restarting from the top after every change made long CNNs quadratic in their depth).
    private func sweep(_ graph: inout Graph, opset: Int64, report: inout Report) throws -> Bool {
        var view = GraphView(graph: graph, opset: opset)
        var changed = false
        var index = 0
        // A rule set that kept rewriting the same place would never end the pass: bound the changes.
        var budget = 64 * (graph.nodes.count + 16)
        while index < graph.nodes.count && budget > 0 {
            let node = graph.nodes[index]
            var applied = false
            if node.domain.isEmpty || node.domain == "ai.onnx" {
                for rule in rules where rule.opTypes.contains(node.opType) && rule.matches(node, in: view) {
                    let effect: RuleEffect
                    do {
                        effect = try rule.apply(node, in: view)
                    } catch {
                        throw RewriteError.ruleFailed(rule: rule.name, node: node.label, reason: "\(error)")
                    }
                    if apply(effect, at: index, in: &graph, view: &view) {
                        report.applications[rule.name, default: 0] += 1
                        applied = true
                        changed = true
                        budget -= 1
                        break
                    }
                }
            }
            // After a change the node now at `index` is new: look at it before moving on.
            if !applied { index += 1 }
        }
        return changed
    }

    private func apply(_ effect: RuleEffect, at index: Int, in graph: inout Graph, view: inout GraphView) -> Bool {
        switch effect {
        case .unchanged:
            return false
        case .replaced(let nodes):
            view.removing(graph.nodes[index])
            for node in nodes { view.adding(node) }
            graph.nodes.replaceSubrange(index...index, with: nodes)
            return true
        case .removed(let forwarding):
            // A graph output's name is part of the model's interface: it cannot be forwarded away.
            guard !forwarding.keys.contains(where: view.isGraphOutput) else { return false }
            view.removing(graph.nodes.remove(at: index))
            for i in graph.nodes.indices where graph.nodes[i].inputs.contains(where: { forwarding[$0] != nil }) {
                view.removing(graph.nodes[i])
                graph.nodes[i].inputs = graph.nodes[i].inputs.map { forwarding[$0] ?? $0 }
                view.adding(graph.nodes[i])
            }
            return true
        }
    }
}
