import Testing
import ONNX
@testable import Rewrite

/// A rule for exercising the engine: Identity nodes are removed, their consumers read the input.
private struct DropIdentity: Rule {
    let name = "drop_identity"
    let opTypes: Set<String> = ["Identity"]
    func matches(_ node: Node, in graph: GraphView) -> Bool { node.inputs.count == 1 }
    func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        .removed(forwarding: [node.outputs[0]: node.inputs[0]])
    }
}

/// Replaces Neg(Neg(x)) chains' outer node by Identity, to check `.replaced`.
private struct DoubleNegation: Rule {
    let name = "double_negation"
    let opTypes: Set<String> = ["Neg"]
    func matches(_ node: Node, in graph: GraphView) -> Bool { graph.producer(of: node.inputs[0])?.opType == "Neg" }
    func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let inner = graph.producer(of: node.inputs[0]) else { return .unchanged }
        return .replaced(by: [Node(opType: "Identity", name: node.name, inputs: inner.inputs, outputs: node.outputs)])
    }
}

private struct Failing: Rule {
    let name = "failing"
    let opTypes: Set<String> = ["Relu"]
    struct Boom: Error {}
    func matches(_ node: Node, in graph: GraphView) -> Bool { true }
    func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect { throw Boom() }
}

private func model(_ nodes: [Node], output: String = "y") -> Model {
    let type = ValueType.tensor(.float, TensorShape([2]))
    return Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
                 graph: Graph(name: "g", nodes: nodes, inputs: [Value(name: "x", type: type)],
                              outputs: [Value(name: output, type: type)]))
}

@Suite struct RewriterTests {
    @Test func removesNodesAndForwardsConsumers() throws {
        let input = model([
            Node(opType: "Identity", inputs: ["x"], outputs: ["a"]),
            Node(opType: "Relu", inputs: ["a"], outputs: ["y"]),
        ])
        let (output, report) = try Rewriter(rules: [DropIdentity()]).rewrite(input)
        #expect(output.graph?.nodes.map(\.opType) == ["Relu"])
        #expect(output.graph?.nodes.first?.inputs == ["x"])
        #expect(report.applications == ["drop_identity": 1])
        #expect(ModelChecker().check(output).isEmpty)
    }

    @Test func graphOutputsAreNotForwardedAway() throws {
        let input = model([Node(opType: "Identity", inputs: ["x"], outputs: ["y"])])
        let (output, report) = try Rewriter(rules: [DropIdentity()]).rewrite(input)
        #expect(output == input)
        #expect(report.applications.isEmpty)
    }

    @Test func rulesComposeUntilNothingChanges() throws {
        let input = model([
            Node(opType: "Neg", inputs: ["x"], outputs: ["a"]),
            Node(opType: "Neg", inputs: ["a"], outputs: ["b"]),
            Node(opType: "Relu", inputs: ["b"], outputs: ["y"]),
        ])
        let (output, report) = try Rewriter(rules: [DoubleNegation(), DropIdentity()]).rewrite(input)
        #expect(output.graph?.nodes.map(\.opType) == ["Neg", "Relu"])
        #expect(output.graph?.nodes.last?.inputs == ["x"])
        #expect(report.applications == ["double_negation": 1, "drop_identity": 1])
    }

    @Test func ruleErrorsNameRuleAndNode() {
        let input = model([Node(opType: "Relu", name: "act", inputs: ["x"], outputs: ["y"])])
        #expect(throws: RewriteError.ruleFailed(rule: "failing", node: "act (Relu)", reason: "Boom()")) {
            try Rewriter(rules: [Failing()]).rewrite(input)
        }
    }

    @Test func noRulesLeavesTheModelIdentical() throws {
        let input = model([Node(opType: "Identity", inputs: ["x"], outputs: ["a"]),
                           Node(opType: "Relu", inputs: ["a"], outputs: ["y"])])
        #expect(try Rewriter(rules: []).rewrite(input).0 == input)
    }
}

@Suite struct RuleRegistryTests {
    let registry = RuleRegistry(rules: [DropIdentity(), DoubleNegation()])

    @Test func selectsByNoneDefaultOrNames() throws {
        #expect(try registry.select("none").isEmpty)
        #expect(try registry.select("default").map(\.name) == ["drop_identity", "double_negation"])
        #expect(try registry.select("double_negation").map(\.name) == ["double_negation"])
    }

    @Test func unknownNamesAreListedWithTheAvailableOnes() {
        #expect(throws: RewriteError.unknownRules(["bogus", "other"], known: ["drop_identity", "double_negation"])) {
            try registry.select("bogus,drop_identity,other")
        }
        let message = RewriteError.unknownRules(["bogus"], known: ["drop_identity"]).description
        #expect(message == "unknown rule(s) bogus; available: none, default, drop_identity")
    }
}

@Suite struct RuleSelectionSpellingTests {
    let registry = RuleRegistry(rules: [DropIdentity()])

    @Test func emptySelectionIsAnError() {
        #expect(throws: RewriteError.self) { try registry.select("") }
        #expect(throws: RewriteError.self) { try registry.select(" , ") }
    }

    @Test func trailingCommaAndSpacesAreTolerated() throws {
        #expect(try registry.select("none,").isEmpty)
        #expect(try registry.select(" drop_identity ").map(\.name) == ["drop_identity"])
    }
}
