import Testing
import ONNX
@testable import Interpreter

private typealias S = ControlTestSupport

@Suite struct ControlFlowTests {
    @Test func ifRunsTheChosenBranch() throws {
        // then: Identity(x), else: Identity(y), both reading the enclosing graph's inputs.
        let thenBranch = Graph(name: "then", nodes: [Node(opType: "Identity", inputs: ["x"], outputs: ["t"])],
                               outputs: [Value(name: "t")])
        let elseBranch = Graph(name: "else", nodes: [Node(opType: "Identity", inputs: ["y"], outputs: ["e"])],
                               outputs: [Value(name: "e")])
        let node = Node(opType: "If", inputs: ["c"], outputs: ["out"],
                        attributes: [S.graph("then_branch", thenBranch), S.graph("else_branch", elseBranch)])
        let model = Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 16)],
                          graph: Graph(name: "g", nodes: [node],
                                       inputs: [Value(name: "c"), Value(name: "x"), Value(name: "y")],
                                       outputs: [Value(name: "out")]))
        let interpreter = try Interpreter(model: model)
        let x = S.floats([2], [1, 2]), y = S.floats([2], [3, 4])
        let yes = try interpreter.run(["c": .tensor(.scalar(true)), "x": .tensor(x), "y": .tensor(y)])
        #expect(yes.outputs[0].value == .tensor(x))
        let no = try interpreter.run(["c": .tensor(.scalar(false)), "x": .tensor(x), "y": .tensor(y)])
        #expect(no.outputs[0].value == .tensor(y))
    }

    @Test func loopCarriesValuesAndStacksScanOutputs() throws {
        // body(i, cond, v) -> (cond, v, i): three iterations give scan output [0, 1, 2] and v unchanged.
        let body = S.identityGraph(inputs: ["i", "cin", "v"], wiring: [("cout", "cin"), ("vout", "v"), ("scan", "i")])
        let v = S.floats([2], [5, 6])
        let out = try S.run("Loop", opset: 13, inputs: [.tensor(.scalar(Int64(3))), nil, .tensor(v)], outputs: 2,
                            attributes: [S.graph("body", body)])
        #expect(out[0] == .tensor(v))
        #expect(out[1] == .tensor(TensorValue(shape: [3], values: [Int64(0), 1, 2])))
    }

    @Test func loopStopsOnFalseCondition() throws {
        // cond starts false: the body never runs, the carried value is returned as given.
        let body = S.identityGraph(inputs: ["i", "cin", "v"], wiring: [("cout", "cin"), ("vout", "v")])
        let v = S.floats([1], [7])
        let out = try S.run("Loop", opset: 11, inputs: [.tensor(.scalar(Int64(10))), .tensor(.scalar(false)), .tensor(v)],
                            attributes: [S.graph("body", body)])
        #expect(out[0] == .tensor(v))
    }

    @Test func scanSlicesInputsAndReversesOutputs() throws {
        // body(state, x) -> (state, x): scanning [[1,2],[3,4],[5,6]] along axis 0 with a reversed output
        // stacks the rows back in reverse: [[5,6],[3,4],[1,2]]; with scan_input_axes [1] the slices are
        // the columns [1,3,5] and [2,4,6].
        let body = S.identityGraph(inputs: ["s", "x"], wiring: [("sout", "s"), ("y", "x")])
        let x = S.floats([3, 2], [1, 2, 3, 4, 5, 6])
        let state = S.floats([1], [0])
        let reversed = try S.tensors("Scan", opset: 16, [state, x], outputs: 2,
                                     [S.graph("body", body), S.int("num_scan_inputs", 1), S.ints("scan_output_directions", [1])])
        #expect(reversed[1].floats() == [5, 6, 3, 4, 1, 2])
        let columns = try S.tensors("Scan", opset: 16, [state, x], outputs: 2,
                                    [S.graph("body", body), S.int("num_scan_inputs", 1), S.ints("scan_input_axes", [1])])
        #expect(columns[1].shape == [2, 3])
        #expect(columns[1].floats() == [1, 3, 5, 2, 4, 6])
    }
}
