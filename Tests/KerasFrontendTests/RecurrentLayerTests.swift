import Foundation
import Testing
import ONNX
import Interpreter
@testable import KerasFrontend

/// Recurrent layers on hand-written configs and weights, run by the reference interpreter and checked
/// against a plain step-by-step evaluation of Keras's cell equations (Keras weight layout and gate
/// order) written out here, independent of the mapping's weight reordering.
@Suite struct RecurrentLayerTests {
    /// Serves fixed weights for every layer.
    struct Weights: KerasWeightSource {
        let arrays: [KerasWeight]
        func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight] { layer.className == "InputLayer" ? [] : arrays }
    }

    /// Deterministic values in about [-0.8, 0.8].
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 7 + seed * 13) * 0.37 + Double(seed))) * 0.8 }
    }

    static func weight(_ shape: [Int], seed: Int) -> KerasWeight {
        KerasWeight(name: "w\(seed)", shape: shape, values: values(shape.reduce(1, *), seed: seed))
    }

    static let batch = 2, time = 4, features = 3
    static let input = values(batch * time * features, seed: 99)

    /// A Keras 3 functional model: input [None, 4, 3] → `layer`, outputs the layer's outputs 0..<outputs.
    static func model(_ layer: String, outputs: Int) throws -> KerasModel {
        let tensor = #"{"class_name": "__keras_tensor__", "config": {"shape": [null, 4, 3], "dtype": "float32", "keras_history": ["x", 0, 0]}}"#
        let outs = (0..<outputs).map { "[\"rnn\", 0, \($0)]" }.joined(separator: ", ")
        return try KerasModel.parse(try JSONValue.parse(Data("""
            {"module": "keras", "class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": [null, 4, 3]}, "inbound_nodes": []},
              {"class_name": \(layer), "name": "rnn", "inbound_nodes": [{"args": [\(tensor)], "kwargs": {}}]}],
             "input_layers": [["x", 0, 0]], "output_layers": [\(outs)]}}
            """.utf8)))
    }

    /// Converts and runs; the outputs as flat arrays.
    static func run(_ model: KerasModel, _ weights: [KerasWeight], opset: Int) throws -> [[Double]] {
        let (onnx, _) = try KerasImporter.convert(model, weights: Weights(arrays: weights), options: KerasImportOptions(opset: opset))
        let graph = try #require(onnx.graph)
        #expect(!graph.nodes.contains { $0.opType == "Loop" || $0.opType == "Scan" })
        let x = TensorValue(shape: [batch, time, features], values: input)
        let result = try Interpreter(model: onnx).run([graph.inputs[0].name: .tensor(x)])
        return try result.outputs.map { try #require($0.value.tensor?.doubles()) }
    }

    static func expectClose(_ ours: [Double], _ theirs: [[Float]], _ what: String) {
        let flat = theirs.flatMap { $0 }.map(Double.init)
        #expect(ours.count == flat.count, "\(what): \(ours.count) values, expected \(flat.count)")
        let worst = zip(ours, flat).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5, "\(what): max |error| \(worst)")
    }

    // MARK: Keras's equations

    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// x·kernel (+ bias) for one row: kernel [rows, cols] row-major.
    static func affine(_ x: [Float], _ kernel: [Float], cols: Int, bias: [Float]? = nil) -> [Float] {
        (0..<cols).map { j in
            x.indices.reduce(bias?[j] ?? 0) { $0 + x[$1] * kernel[$1 * cols + j] }
        }
    }

    /// The sequence of one batch entry, in time order.
    static func sequence(_ b: Int) -> [[Float]] {
        (0..<time).map { t in Array(input[((b * time + t) * features)..<((b * time + t + 1) * features)]) }
    }

    /// Keras LSTM (gates i, f, c, o; tanh / sigmoid) over `steps`; the outputs in walking order and the last c.
    static func lstm(_ steps: [[Float]], kernel: [Float], recurrent: [Float], bias: [Float], units u: Int) -> ([[Float]], [Float]) {
        var h = [Float](repeating: 0, count: u), c = h
        var outputs: [[Float]] = []
        for x in steps {
            let z = zip(affine(x, kernel, cols: 4 * u, bias: bias), affine(h, recurrent, cols: 4 * u)).map { $0 + $1 }
            for j in 0..<u {
                let i = sigmoid(z[j]), f = sigmoid(z[u + j]), g = tanh(z[2 * u + j]), o = sigmoid(z[3 * u + j])
                c[j] = f * c[j] + i * g
                h[j] = o * tanh(c[j])
            }
            outputs.append(h)
        }
        return (outputs, c)
    }

    // MARK: Tests

    @Test(arguments: [("concat", 13), ("concat", 17), ("sum", 17), ("mul", 13), ("ave", 17), ("none", 17), ("none", 13)])
    func bidirectionalLSTMMergeModes(mode: String, opset: Int) throws {
        let u = 2
        let f = Self.features
        let weights = [Self.weight([f, 4 * u], seed: 1), Self.weight([u, 4 * u], seed: 2), Self.weight([4 * u], seed: 3),
                       Self.weight([f, 4 * u], seed: 4), Self.weight([u, 4 * u], seed: 5), Self.weight([4 * u], seed: 6)]
        let merge = mode == "none" ? "null" : "\"\(mode)\""
        let model = try Self.model("""
            "Bidirectional", "config": {"name": "rnn", "merge_mode": \(merge), "layer": {"class_name": "LSTM",
              "config": {"name": "fwd", "units": \(u), "return_sequences": true}}}
            """, outputs: mode == "none" ? 2 : 1)
        let outputs = try Self.run(model, weights, opset: opset)
        var forward: [[Float]] = [], backward: [[Float]] = []
        for b in 0..<Self.batch {
            forward += Self.lstm(Self.sequence(b), kernel: weights[0].values, recurrent: weights[1].values, bias: weights[2].values, units: u).0
            // The backward layer walks from the end; Bidirectional aligns its outputs with the input times.
            backward += Self.lstm(Array(Self.sequence(b).reversed()), kernel: weights[3].values, recurrent: weights[4].values, bias: weights[5].values, units: u).0.reversed()
        }
        switch mode {
        case "concat": Self.expectClose(outputs[0], zip(forward, backward).map { $0 + $1 }, mode)
        case "sum": Self.expectClose(outputs[0], zip(forward, backward).map { zip($0, $1).map(+) }, mode)
        case "mul": Self.expectClose(outputs[0], zip(forward, backward).map { zip($0, $1).map(*) }, mode)
        case "ave": Self.expectClose(outputs[0], zip(forward, backward).map { zip($0, $1).map { ($0 + $1) / 2 } }, mode)
        default:
            #expect(outputs.count == 2)
            Self.expectClose(outputs[0], forward, "forward")
            Self.expectClose(outputs[1], backward, "backward")
        }
    }

    @Test(arguments: [(2, 17), (3, 17), (3, 13)])
    func gruResetBeforeBackwardsWithStateAndHardSigmoid(keras: Int, opset: Int) throws {
        let u = 3
        let weights = [Self.weight([Self.features, 3 * u], seed: 7), Self.weight([u, 3 * u], seed: 8), Self.weight([3 * u], seed: 9)]
        var model = try Self.model("""
            "GRU", "config": {"name": "rnn", "units": \(u), "reset_after": false, "go_backwards": true,
              "return_state": true, "recurrent_activation": "hard_sigmoid", "activation": "softsign"}
            """, outputs: 2)
        model.kerasVersion = keras
        let outputs = try Self.run(model, weights, opset: opset)
        let hardSigmoid: (Float) -> Float = keras >= 3 ? { min(1, max(0, $0 / 6 + 0.5)) } : { min(1, max(0, 0.2 * $0 + 0.5)) }
        let (k, rk, bias) = (weights[0].values, weights[1].values, weights[2].values)
        var finals: [[Float]] = []
        for b in 0..<Self.batch {
            var h = [Float](repeating: 0, count: u)
            for x in Self.sequence(b).reversed() {
                let xw = Self.affine(x, k, cols: 3 * u, bias: bias), hr = Self.affine(h, rk, cols: 3 * u)
                let z = (0..<u).map { hardSigmoid(xw[$0] + hr[$0]) }
                let r = (0..<u).map { hardSigmoid(xw[u + $0] + hr[u + $0]) }
                // reset_after=False: the reset gate scales h before the recurrent kernel.
                let rh = (0..<u).map { r[$0] * h[$0] }
                let candidate = (0..<u).map { j in
                    let v = xw[2 * u + j] + rh.indices.reduce(0) { $0 + rh[$1] * rk[$1 * 3 * u + 2 * u + j] }
                    return v / (1 + abs(v))
                }
                h = (0..<u).map { z[$0] * h[$0] + (1 - z[$0]) * candidate[$0] }
            }
            finals.append(h)
        }
        #expect(outputs.count == 2)
        Self.expectClose(outputs[0], finals, "output")
        Self.expectClose(outputs[1], finals, "state h")
    }

    @Test(arguments: [13, 17])
    func bidirectionalLSTMStatesComeForwardThenBackward(opset: Int) throws {
        let u = 2, f = Self.features
        let weights = [Self.weight([f, 4 * u], seed: 11), Self.weight([u, 4 * u], seed: 12), Self.weight([4 * u], seed: 13),
                       Self.weight([f, 4 * u], seed: 14), Self.weight([u, 4 * u], seed: 15), Self.weight([4 * u], seed: 16)]
        let model = try Self.model("""
            "Bidirectional", "config": {"name": "rnn", "merge_mode": "concat", "layer": {"class_name": "LSTM",
              "config": {"name": "fwd", "units": \(u), "return_state": true}}}
            """, outputs: 5)
        let outputs = try Self.run(model, weights, opset: opset)
        var merged: [[Float]] = [], hf: [[Float]] = [], cf: [[Float]] = [], hb: [[Float]] = [], cb: [[Float]] = []
        for b in 0..<Self.batch {
            let (fo, fc) = Self.lstm(Self.sequence(b), kernel: weights[0].values, recurrent: weights[1].values, bias: weights[2].values, units: u)
            let (bo, bc) = Self.lstm(Array(Self.sequence(b).reversed()), kernel: weights[3].values, recurrent: weights[4].values, bias: weights[5].values, units: u)
            merged.append(fo.last! + bo.last!)
            hf.append(fo.last!); cf.append(fc); hb.append(bo.last!); cb.append(bc)
        }
        #expect(outputs.count == 5)
        guard outputs.count == 5 else { return }
        Self.expectClose(outputs[0], merged, "output")
        Self.expectClose(outputs[1], hf, "forward h")
        Self.expectClose(outputs[2], cf, "forward c")
        Self.expectClose(outputs[3], hb, "backward h")
        Self.expectClose(outputs[4], cb, "backward c")
    }

    @Test(arguments: [13, 17])
    func linearSimpleRNNBackwardsReturnsTheWalkingOrder(opset: Int) throws {
        let u = 3
        let weights = [Self.weight([Self.features, u], seed: 21), Self.weight([u, u], seed: 22), Self.weight([u], seed: 23)]
        let model = try Self.model("""
            "SimpleRNN", "config": {"name": "rnn", "units": \(u), "activation": "linear", "go_backwards": true,
              "return_sequences": true}
            """, outputs: 1)
        let outputs = try Self.run(model, weights, opset: opset)
        var expected: [[Float]] = []
        for b in 0..<Self.batch {
            var h = [Float](repeating: 0, count: u)
            // Keras: output t is the state after x[T-1] … x[T-1-t].
            for x in Self.sequence(b).reversed() {
                h = zip(Self.affine(x, weights[0].values, cols: u, bias: weights[2].values), Self.affine(h, weights[1].values, cols: u)).map { $0 + $1 }
                expected.append(h)
            }
        }
        Self.expectClose(outputs[0], expected, "sequence")
    }

    @Test func unsupportedActivationFailsClearly() throws {
        let model = try Self.model("""
            "SimpleRNN", "config": {"name": "rnn", "units": 2, "activation": "gelu"}
            """, outputs: 1)
        #expect(throws: KerasError.self) {
            try Self.run(model, [Self.weight([3, 2], seed: 1), Self.weight([2, 2], seed: 2), Self.weight([2], seed: 3)], opset: 17)
        }
    }

    /// The RNN fixtures at opsets 13 and 21 too. Every opset writes the sequence-first layout (no `layout`
    /// attribute), which onnxruntime's CPU kernels require.
    @Test(arguments: ["rnn", "rnn2", "gru_v1"])
    func fixturesAtOtherOpsets(model: String) throws {
        for opset in [13, 21] {
            for (folder, file) in [("k2", "\(model).h5"), ("k3", "\(model).keras")] {
                let error = try KerasFixtureTests.worstError(KerasFixtureTests.Case(folder: folder, model: file, io: "\(model).io.npz"), opset: opset)
                #expect(error <= 1e-4, "\(folder)/\(file) opset \(opset): \(error)")
            }
        }
        let file = try KerasModelFile.load(model: KerasFixtureTests.root.appendingPathComponent("k3/\(model).keras").path)
        let nodes = try #require(try file.convert(options: KerasImportOptions(opset: 21)).0.graph).nodes
        #expect(nodes.contains { ["RNN", "LSTM", "GRU"].contains($0.opType) })
        #expect(!nodes.contains { $0.attribute("layout") != nil })
    }
}
