import Testing
@testable import ONNX

@Suite struct ModelCheckerTests {
    typealias B = GraphBuilder
    let checker = ModelChecker()

    @Test func wellFormedGraphHasNoProblems() {
        let model = B.model([
            B.node("Relu", ["x"], ["h"]),
            B.node("Softmax", ["h"], ["y"], attributes: [B.attribute("axis", .int(1))]),
        ])
        #expect(checker.check(model).isEmpty)
    }

    @Test func everyFixtureChecksClean() throws {
        for name in Fixtures.all {
            #expect(checker.check(try Fixtures.load(name)).isEmpty, "\(name)")
        }
    }

    @Test func reportsEveryProblemWithItsNode() {
        let model = B.model([
            B.node("Relu", ["missing"], ["h"], name: "first"),
            B.node("Relu", ["h"], ["h"], name: "twice"),
            B.node("Frobnicate", ["h"], ["z"], name: "strange"),
        ])
        let problems = checker.check(model)
        #expect(problems.contains { $0.node == "first (Relu)" && $0.message.contains("'missing' is not produced") })
        #expect(problems.contains { $0.node == "twice (Relu)" && $0.message.contains("'h' is defined more than once") })
        #expect(problems.contains { $0.node == "strange (Frobnicate)" && $0.message.contains("unknown op 'Frobnicate'") })
        #expect(problems.contains { $0.node == nil && $0.message.contains("graph output 'y' is not produced") })
        #expect(problems.count == 4)
    }

    @Test func nodesOutOfOrderAreNamedAsSuch() {
        let model = B.model([B.node("Relu", ["h"], ["y"], name: "late"), B.node("Relu", ["x"], ["h"], name: "early")])
        let problems = checker.check(model)
        #expect(problems.map(\.node) == ["late (Relu)"])
        #expect(problems.first?.message.contains("topological order") == true)
    }

    @Test func missingOpsetImportForADomain() {
        var model = B.model([B.node("LinearRegressor", ["x"], ["y"], domain: "ai.onnx.ml")])
        #expect(checker.check(model).first?.message == "domain 'ai.onnx.ml' has no opset import")
        model.opsetImports.append(OperatorSetID(domain: "ai.onnx.ml", version: 3))
        #expect(checker.check(model).isEmpty)
    }

    @Test func opsNotYetIntroducedOrRemoved() {
        let gelu = B.model([B.node("Gelu", ["x"], ["y"])], opset: 17)
        #expect(checker.check(gelu).first?.message == "op 'Gelu' does not exist at opset 17 (introduced in opset 20)")
        let upsample = B.model([B.node("Upsample", ["x", "x"], ["y"])], opset: 13)
        #expect(checker.check(upsample).first?.message.contains("'Upsample' was removed") == true)
    }

    @Test func attributeProblems() {
        let model = B.model([
            B.node("Cast", ["x"], ["h"], name: "no_to"),
            B.node("Softmax", ["h"], ["y"], name: "bad", attributes: [
                B.attribute("axis", .float(1)),
                B.attribute("axes", .ints([1])),
                B.attribute("axis", .int(1)),
            ]),
        ])
        let messages = checker.check(model).map(\.description)
        #expect(messages.contains("g: node no_to (Cast): required attribute 'to' is missing"))
        #expect(messages.contains("g: node bad (Softmax): attribute 'axis' is FLOAT, Softmax-13 expects INT"))
        #expect(messages.contains("g: node bad (Softmax): unknown attribute 'axes' for Softmax-13"))
        #expect(messages.contains("g: node bad (Softmax): attribute 'axis' appears more than once"))
    }

    @Test func inputAndOutputCounts() {
        let model = B.model([B.node("Add", ["x"], ["y", "extra"], name: "add")])
        let messages = checker.check(model).map(\.message)
        #expect(messages.contains("has 1 inputs; Add-14 takes 2"))
        #expect(messages.contains("has 2 outputs; Add-14 gives 1"))
    }

    @Test func subgraphsSeeOuterValuesAndReportTheirPath() {
        let thenBranch = Graph(name: "then", nodes: [B.node("Relu", ["x"], ["t"])], outputs: [B.value("t")])
        let elseBranch = Graph(name: "else", nodes: [B.node("Relu", ["nowhere"], ["e"])], outputs: [B.value("e")])
        let model = B.model(
            [B.node("If", ["x"], ["y"], name: "branch", attributes: [
                B.attribute("then_branch", .graph(thenBranch)), B.attribute("else_branch", .graph(elseBranch)),
            ])])
        let problems = checker.check(model)
        #expect(problems.count == 1)
        #expect(problems.first?.graph == "g/branch:else_branch")
        #expect(problems.first?.message.contains("'nowhere'") == true)
    }

    @Test func localFunctionsAreKnownOps() {
        var model = B.model([B.node("Twice", ["x"], ["y"], domain: "my.fn")])
        model.opsetImports.append(OperatorSetID(domain: "my.fn", version: 1))
        model.functions = [Function(
            name: "Twice", domain: "my.fn", inputs: ["a"], outputs: ["b"],
            nodes: [B.node("Add", ["a", "a"], ["b"])], opsetImports: [OperatorSetID(domain: "", version: 17)])]
        #expect(checker.check(model).isEmpty)
        model.functions[0].nodes[0].inputs = ["a", "q"]
        #expect(checker.check(model).map(\.graph) == ["function my.fn.Twice"])
    }
}
