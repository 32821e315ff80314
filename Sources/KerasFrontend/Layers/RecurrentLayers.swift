import Foundation
import ONNX

/// SimpleRNN, LSTM, GRU and Bidirectional as the native ONNX RNN / LSTM / GRU ops (never a Loop).
///
/// Keras tensors are [batch, time, features]. X is transposed to the ops' sequence-first layout, and Y,
/// Y_h, Y_c back to batch-first shapes (Y [batch, seq, dirs, hidden], states [batch, dirs, hidden]) for
/// the merging below. ONNX's `layout=1` (opset 14) would save the transposes, but onnxruntime's CPU kernels
/// reject it.
///
/// Weights: Keras kernel [input, k·units], recurrent_kernel [units, k·units], bias [k·units] (GRU with
/// reset_after: [2, 3·units], input bias then recurrent bias) become ONNX W [dirs, k·hidden, input], R
/// [dirs, k·hidden, hidden], B [dirs, 2·k·hidden] (Wb then Rb). Keras orders LSTM gates i, f, c, o, ONNX
/// i, o, f, c; GRU gates are z, r, h in both. GRU reset_after=True is `linear_before_reset=1`.
///
/// `go_backwards`: Keras walks the sequence from its end and, with return_sequences, returns the outputs
/// in that walking order (output t is the state after x[T-1]…x[T-1-t]); ONNX `direction="reverse"` puts
/// output t at input position t, so the sequence is reversed back along time. Bidirectional aligns its
/// backward outputs with the input times, as ONNX `direction="bidirectional"` does.
enum RecurrentLayers {
    static let mappings: [String: LayerMapping] = [
        "SimpleRNN": { c in try single(c, .simple) },
        "LSTM": { c in try single(c, .lstm) },
        "GRU": { c in try single(c, .gru) },
        "Bidirectional": bidirectional,
    ]

    enum Kind {
        case simple, lstm, gru

        init?(className: String) {
            switch className {
            case "SimpleRNN": self = .simple
            case "LSTM": self = .lstm
            case "GRU": self = .gru
            default: return nil
            }
        }

        var opType: String { self == .simple ? "RNN" : self == .lstm ? "LSTM" : "GRU" }
        var gates: Int { self == .simple ? 1 : self == .lstm ? 4 : 3 }
        /// For ONNX gate g, the Keras gate it reads.
        var kerasGate: [Int] { self == .lstm ? [0, 3, 1, 2] : Array(0..<gates) }
        /// Number of state outputs (h, and c for LSTM).
        var states: Int { self == .lstm ? 2 : 1 }
    }

    /// The options of one recurrent layer (a top-level layer or one side of a Bidirectional).
    struct Cell {
        var kind: Kind
        var units: Int
        var activation: String
        var recurrentActivation: String
        var useBias: Bool
        var returnSequences: Bool
        var returnState: Bool
        var goBackwards: Bool
        var resetAfter: Bool
        /// Number of Keras weight arrays: kernel, recurrent_kernel (, bias).
        var weightCount: Int { useBias ? 3 : 2 }

        init(_ kind: Kind, _ c: LayerContext) throws {
            self.kind = kind
            units = try c.size("units")
            activation = try c.string("activation", default: "tanh")
            recurrentActivation = kind == .simple ? "" : try c.string("recurrent_activation", default: "sigmoid")
            useBias = try c.bool("use_bias", default: true)
            returnSequences = try c.bool("return_sequences", default: false)
            returnState = try c.bool("return_state", default: false)
            goBackwards = try c.bool("go_backwards", default: false)
            resetAfter = kind == .gru ? try c.bool("reset_after", default: true) : false
            if try c.bool("stateful", default: false) { throw c.fail("stateful recurrent layers are not supported") }
            if try c.bool("time_major", default: false) { throw c.fail("time_major recurrent layers are not supported") }
        }

        /// The ONNX activations of this direction, in the op's order (RNN: f; GRU: f, g; LSTM: f, g, h).
        func onnxActivations(_ c: LayerContext) throws -> [Activation] {
            let g = try Activation(activation, c)
            switch kind {
            case .simple: return [g]
            case .gru: return [try Activation(recurrentActivation, c), g]
            case .lstm: return [try Activation(recurrentActivation, c), g, g]
            }
        }
    }

    /// One ONNX recurrent activation with the alpha/beta it consumes.
    struct Activation {
        let name: String
        var alpha: Float?
        var beta: Float?

        init(_ keras: String, _ c: LayerContext) throws {
            switch keras {
            case "tanh": name = "Tanh"
            case "sigmoid": name = "Sigmoid"
            case "relu": name = "Relu"
            case "softsign": name = "Softsign"
            case "softplus": name = "Softplus"
            case "linear", "": name = "Affine"; alpha = 1; beta = 0
            case "elu": name = "Elu"; alpha = 1
            case "hard_sigmoid":
                // Keras 2: clip(0.2·x + 0.5, 0, 1). Keras 3: relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1).
                name = "HardSigmoid"; alpha = c.kerasVersion >= 3 ? 1 / 6 : 0.2; beta = 0.5
            default:
                throw c.fail("activation '\(keras)' has no ONNX recurrent-op equivalent")
            }
        }
    }

    // MARK: - Layers

    private static func single(_ c: LayerContext, _ kind: Kind) throws -> [KerasTensor] {
        let x = try sequenceInput(c)
        let cell = try Cell(kind, c)
        let b = c.builder
        let run = try emit(c, x: x, cells: [(cell, c.weights)], direction: cell.goBackwards ? "reverse" : "forward")
        var outputs: [KerasTensor]
        if cell.returnSequences {
            var y = b.op("Squeeze", [run.y(), b.int64s("axes", [2])])
            if cell.goBackwards { y = reverseTime(y, b) }
            outputs = [KerasTensor(name: y, shape: [x.shape[0], x.shape[1], cell.units])]
        } else {
            outputs = [KerasTensor(name: b.op("Squeeze", [run.state(0), b.int64s("axes", [1])]), shape: [x.shape[0], cell.units])]
        }
        if cell.returnState {
            for s in 0..<kind.states {
                // Without return_sequences the output equals h, but Keras returns h as a tensor of its own
                // (and a graph may list both), so it gets its own node.
                let state = b.op("Squeeze", [run.state(s), b.int64s("axes", [1])])
                outputs.append(KerasTensor(name: state, shape: [x.shape[0], cell.units]))
            }
        }
        return outputs
    }

    private static func bidirectional(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try sequenceInput(c)
        guard let inner = c.config["layer"], let className = inner["class_name"]?.string, let kind = Kind(className: className),
              let innerConfig = inner["config"] else {
            throw c.fail("wraps \(c.config["layer"]?["class_name"]?.string ?? "nothing"); only SimpleRNN, LSTM and GRU are supported")
        }
        let forwardContext = c.nested(innerConfig, className: className, weights: [])
        let forward = try Cell(kind, forwardContext)
        let backward: Cell
        let backwardContext: LayerContext
        if let explicit = c.config["backward_layer"], !explicit.isNull {
            guard explicit["class_name"]?.string == className, let config = explicit["config"] else {
                throw c.fail("backward_layer \(explicit["class_name"]?.string ?? "?") differs from the forward \(className)")
            }
            backwardContext = c.nested(config, className: className, weights: [])
            backward = try Cell(kind, backwardContext)
        } else {
            // Keras 2 may leave the backward layer out: it is the forward one walking the other way.
            backwardContext = forwardContext
            var mirrored = forward
            mirrored.goBackwards.toggle()
            backward = mirrored
        }
        guard backward.units == forward.units, backward.returnSequences == forward.returnSequences,
              backward.returnState == forward.returnState, backward.resetAfter == forward.resetAfter,
              backward.goBackwards != forward.goBackwards else {
            throw c.fail("the backward layer's units, return_sequences, return_state, reset_after or go_backwards do not mirror the forward layer's")
        }
        let split = forward.weightCount
        guard c.weights.count == split + backward.weightCount else {
            throw KerasError.weights(c.layer.id, "expected \(split + backward.weightCount) weight arrays (forward then backward), found \(c.weights.count)")
        }
        let b = c.builder
        // A forward layer that itself goes backwards: ONNX direction 0 walking the time-reversed input is
        // that layer, direction 1 walking it from its end is the (forward-going) backward layer, and both
        // outputs then come in the reversed time order Keras returns.
        let input = forward.goBackwards ? KerasTensor(name: reverseTime(x.name, b), shape: x.shape) : x
        let run = try emit(c, x: input, cells: [(forward, Array(c.weights[..<split])), (backward, Array(c.weights[split...]))],
                           direction: "bidirectional", contexts: [forwardContext, backwardContext])
        let units = forward.units
        let mergeMode: String? = c.config["merge_mode"].map { $0.isNull ? nil : $0.string } ?? "concat"
        let outputShape: [Int?] = forward.returnSequences ? [x.shape[0], x.shape[1], units] : [x.shape[0], units]
        // Y is [batch, seq, 2, units], the states [batch, 2, units]: the direction axis is 2 or 1.
        let both = forward.returnSequences ? run.y() : run.state(0)
        let axis = forward.returnSequences ? 2 : 1
        var outputs: [KerasTensor]
        switch mergeMode {
        case "concat":
            let shape = forward.returnSequences ? [0, 0, 2 * units] : [0, 2 * units]
            outputs = [KerasTensor(name: b.op("Reshape", [both, b.int64s("shape", shape.map(Int64.init))]),
                                   shape: Array(outputShape.dropLast()) + [2 * units])]
        case "sum", "mul", "ave", nil:
            let (f, r) = directions(both, axis: axis, b)
            switch mergeMode {
            case "sum": outputs = [KerasTensor(name: b.op("Add", [f, r]), shape: outputShape)]
            case "mul": outputs = [KerasTensor(name: b.op("Mul", [f, r]), shape: outputShape)]
            case "ave": outputs = [KerasTensor(name: b.op("Mul", [b.op("Add", [f, r]), b.scalar("half", 0.5)]), shape: outputShape)]
            default: outputs = [KerasTensor(name: f, shape: outputShape), KerasTensor(name: r, shape: outputShape)]
            }
        default:
            throw c.fail("merge_mode '\(mergeMode ?? "?")' is not concat, sum, mul, ave or None")
        }
        if forward.returnState {
            // Keras: the forward layer's states (h, c) then the backward layer's.
            var perDirection: [[String]] = [[], []]
            for s in 0..<kind.states {
                let (f, r) = directions(run.state(s), axis: 1, b)
                perDirection[0].append(f)
                perDirection[1].append(r)
            }
            for name in perDirection.joined() { outputs.append(KerasTensor(name: name, shape: [x.shape[0], units])) }
        }
        return outputs
    }

    // MARK: - The ONNX op

    /// The op's outputs, made batch-first on first use: Y [batch, seq, dirs, hidden], states [batch, dirs, hidden].
    final class Run {
        let outputs: [String]
        let builder: GraphBuilder
        private var cache: [Int: String] = [:]

        init(outputs: [String], builder: GraphBuilder) {
            self.outputs = outputs
            self.builder = builder
        }

        func y() -> String { moved(0, perm: [2, 0, 1, 3]) }
        /// State `s`: 0 is h, 1 is c (LSTM).
        func state(_ s: Int) -> String { moved(1 + s, perm: [1, 0, 2]) }

        private func moved(_ index: Int, perm: [Int]) -> String {
            if let done = cache[index] { return done }
            let name = builder.op("Transpose", [outputs[index]], [.ints("perm", perm)])
            cache[index] = name
            return name
        }
    }

    /// Writes one RNN/LSTM/GRU node for `cells` (one per direction, each with its Keras weights).
    private static func emit(_ c: LayerContext, x: KerasTensor, cells: [(Cell, [KerasWeight])], direction: String,
                             contexts: [LayerContext]? = nil) throws -> Run {
        guard let first = cells.first?.0 else { throw c.fail("no recurrent cell") }
        guard let inputSize = x.shape[2] else { throw c.fail("the feature axis of the input must have a known size") }
        let kind = first.kind, units = first.units, k = kind.gates, ku = k * units
        let b = c.builder
        var w: [Float] = [], r: [Float] = [], bias: [Float] = []
        var activations: [Activation] = []
        for (index, (cell, weights)) in cells.enumerated() {
            let cc = (contexts?[index] ?? c).with(weights: weights)
            let kernel = try cc.weight(0, "kernel", shape: [inputSize, ku])
            let recurrent = try cc.weight(1, "recurrent_kernel", shape: [units, ku])
            w += reordered(kernel.values, rows: inputSize, units: units, kind: kind)
            r += reordered(recurrent.values, rows: units, units: units, kind: kind)
            if first.useBias {
                let inputBias: [Float], recurrentBias: [Float]
                if cell.resetAfter {
                    let both = try cc.weight(2, "bias", shape: [2, ku])
                    inputBias = Array(both.values[..<ku])
                    recurrentBias = Array(both.values[ku...])
                } else {
                    inputBias = try cc.weight(2, "bias", shape: [ku]).values
                    recurrentBias = [Float](repeating: 0, count: ku)
                }
                bias += reordered(inputBias, rows: 1, units: units, kind: kind)
                bias += reordered(recurrentBias, rows: 1, units: units, kind: kind)
            }
            activations += try cell.onnxActivations(cc)
        }
        guard cells.allSatisfy({ $0.0.useBias == first.useBias }) else { throw c.fail("use_bias differs between the directions") }
        let dirs = cells.count
        var inputs = [x.name, b.floats("W", w, dims: [dirs, ku, inputSize]), b.floats("R", r, dims: [dirs, ku, units])]
        if first.useBias { inputs.append(b.floats("B", bias, dims: [dirs, 2 * ku])) }
        inputs[0] = b.op("Transpose", [x.name], [.ints("perm", [1, 0, 2])])
        var attributes: [Attribute] = [.int("hidden_size", units), .string("direction", direction),
                                       Attribute(name: "activations", value: .strings(activations.map { Data($0.name.utf8) }))]
        let alphas = activations.compactMap(\.alpha), betas = activations.compactMap(\.beta)
        if !alphas.isEmpty { attributes.append(Attribute(name: "activation_alpha", value: .floats(alphas))) }
        if !betas.isEmpty { attributes.append(Attribute(name: "activation_beta", value: .floats(betas))) }
        if kind == .gru { attributes.append(.int("linear_before_reset", first.resetAfter ? 1 : 0)) }
        let outputs = b.add(kind.opType, inputs, outputs: 1 + kind.states, attributes)
        return Run(outputs: outputs, builder: b)
    }

    /// Keras [rows, k·units] (gate blocks along the columns) → ONNX [k·units, rows] in ONNX gate order.
    static func reordered(_ values: [Float], rows: Int, units: Int, kind: Kind) -> [Float] {
        let k = kind.gates, ku = k * units
        var out = [Float](repeating: 0, count: values.count)
        for g in 0..<k {
            let source = kind.kerasGate[g] * units
            for j in 0..<units { for i in 0..<rows {
                out[(g * units + j) * rows + i] = values[i * ku + source + j]
            } }
        }
        return out
    }

    // MARK: - Helpers

    private static func sequenceInput(_ c: LayerContext) throws -> KerasTensor {
        guard c.inputs.count == 1 else {
            throw c.fail("called with \(c.inputs.count) tensors; initial states, masks and constants as call inputs are not supported")
        }
        let x = c.inputs[0]
        guard x.rank == 3 else { throw c.fail("input rank \(x.rank) is not 3 ([batch, time, features])") }
        return x
    }

    /// [batch, time, …] with the time axis reversed.
    private static func reverseTime(_ x: String, _ b: GraphBuilder) -> String {
        b.op("Slice", [x, b.int64s("starts", [-1]), b.int64s("ends", [Int64.min]), b.int64s("axes", [1]), b.int64s("steps", [-1])])
    }

    /// The forward and backward halves of a value with a direction axis of size 2, that axis removed.
    private static func directions(_ x: String, axis: Int, _ b: GraphBuilder) -> (String, String) {
        let halves = b.add("Split", [x, b.int64s("split", [1, 1])], outputs: 2, [.int("axis", axis)])
        let axes = b.int64s("axes", [Int64(axis)])
        return (b.op("Squeeze", [halves[0], axes]), b.op("Squeeze", [halves[1], axes]))
    }
}

extension LayerContext {
    /// A context reading the options of a wrapped layer's `config` (a Bidirectional's `layer`), errors
    /// still naming the wrapper.
    func nested(_ config: JSONValue, className: String, weights: [KerasWeight]) -> LayerContext {
        let inner = KerasLayer(className: className, name: "\(layer.name)/\(config["name"]?.string ?? className)",
                               config: config, calls: [], submodel: nil)
        return LayerContext(layer: inner, call: call, inputs: inputs, weights: weights, builder: builder, kerasVersion: kerasVersion)
    }

    func with(weights: [KerasWeight]) -> LayerContext {
        LayerContext(layer: layer, call: call, inputs: inputs, weights: weights, builder: builder, kerasVersion: kerasVersion)
    }
}
