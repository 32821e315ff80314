import Testing
@testable import ONNX

@Suite struct TopologicalOrderTests {
    typealias B = GraphBuilder

    @Test func orderedGraphKeepsItsOrder() throws {
        let graph = try #require(B.model([B.node("Relu", ["x"], ["a"]), B.node("Relu", ["x"], ["b"]),
                                          B.node("Add", ["a", "b"], ["y"])]).graph)
        #expect(try graph.topologicalOrder() == [0, 1, 2])
    }

    @Test func sortsProducersFirstAndKeepsIndependentNodesStable() throws {
        let graph = try #require(B.model([
            B.node("Add", ["a", "b"], ["y"]), B.node("Relu", ["x"], ["b"]), B.node("Relu", ["x"], ["a"]),
        ]).graph)
        #expect(try graph.topologicalOrder() == [1, 2, 0])
        #expect(try graph.topologicallySorted().nodes.map(\.outputs) == [["b"], ["a"], ["y"]])
    }

    @Test func subgraphReadsOfOuterValuesAreDependencies() throws {
        let body = Graph(name: "body", nodes: [B.node("Relu", ["late"], ["t"])], outputs: [B.value("t")])
        let graph = try #require(B.model([
            B.node("If", ["x"], ["y"], attributes: [B.attribute("then_branch", .graph(body)),
                                                    B.attribute("else_branch", .graph(body))]),
            B.node("Relu", ["x"], ["late"]),
        ]).graph)
        #expect(try graph.topologicalOrder() == [1, 0])
        #expect(body.outerScopeReads == ["late"])
    }

    @Test func cycleIsReportedWithItsNodes() throws {
        let graph = try #require(B.model([
            B.node("Relu", ["b"], ["a"], name: "n1"), B.node("Relu", ["a"], ["b"], name: "n2"),
            B.node("Relu", ["x"], ["y"], name: "free"),
        ]).graph)
        #expect(throws: CycleError(nodes: ["n1 (Relu)", "n2 (Relu)"])) { try graph.topologicalOrder() }
    }
}

@Suite struct UniqueNamesTests {
    typealias B = GraphBuilder

    @Test func freeNamesAreKeptAndTakenOnesNumbered() throws {
        let graph = try #require(B.model([B.node("Relu", ["x"], ["h"], name: "relu")],
                                          outputs: ["h"]).graph)
        var names = UniqueNames(graph: graph)
        #expect(names.contains("relu") && names.contains("x") && names.contains("h"))
        #expect(names.make("fresh") == "fresh")
        #expect(names.make("fresh") == "fresh_1")
        #expect(names.make("h") == "h_1")
        #expect(names.make("h") == "h_2")
    }

    @Test func numberedCandidatesSkipExistingNames() {
        var names = UniqueNames(reserving: ["w", "w_1", "w_2"])
        #expect(names.make("w") == "w_3")
    }
}
