import Foundation
import ONNX

/// Shared parts of RNN, GRU and LSTM (not an op): activation functions, attribute decoding, the
/// layout-1 transposes (opset 14+), input checks and a small BLAS front end.
enum RecurrentDirection: String {
    case forward, reverse, bidirectional

    var count: Int { self == .bidirectional ? 2 : 1 }
    /// Whether direction `d` (0 or 1) walks the sequence from its end.
    func isReversed(_ d: Int) -> Bool { self == .reverse || (self == .bidirectional && d == 1) }
}

/// An activation of the recurrent ops, with its alpha/beta decoded.
enum RecurrentActivation: Sendable {
    case relu, tanh, sigmoid, softsign, softplus
    case affine(Float, Float), leakyRelu(Float), thresholdedRelu(Float), scaledTanh(Float, Float)
    case hardSigmoid(Float, Float), elu(Float)

    /// Decodes `names` (any case) taking alpha/beta values in order for the functions that use them,
    /// as onnxruntime does; missing values take the documented defaults.
    static func decode(_ names: [String], alphas: [Float], betas: [Float]) throws -> [RecurrentActivation] {
        var a = alphas[...], b = betas[...]
        func next(_ list: inout ArraySlice<Float>, _ fallback: Float) -> Float { list.popFirst() ?? fallback }
        return try names.map { name in
            switch name.lowercased() {
            case "relu": return .relu
            case "tanh": return .tanh
            case "sigmoid": return .sigmoid
            case "softsign": return .softsign
            case "softplus": return .softplus
            case "affine": return .affine(next(&a, 1), next(&b, 0))
            case "leakyrelu": return .leakyRelu(next(&a, 0.01))
            case "thresholdedrelu": return .thresholdedRelu(next(&a, 1))
            case "scaledtanh": return .scaledTanh(next(&a, 1), next(&b, 1))
            case "hardsigmoid": return .hardSigmoid(next(&a, 0.2), next(&b, 0.5))
            case "elu": return .elu(next(&a, 1))
            default: throw KernelError("unsupported activation '\(name)'")
            }
        }
    }

    /// Applies the activation in place to `count` values at `p`.
    func apply(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        switch self {
        case .relu: for i in 0..<count { p[i] = max(p[i], 0) }
        case .tanh: for i in 0..<count { p[i] = tanhf(p[i]) }
        case .sigmoid:
            for i in 0..<count {
                let x = p[i]
                p[i] = x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
            }
        case .softsign: for i in 0..<count { p[i] = p[i] / (1 + abs(p[i])) }
        case .softplus: for i in 0..<count { p[i] = log1pf(expf(p[i])) }
        case .affine(let alpha, let beta): for i in 0..<count { p[i] = alpha * p[i] + beta }
        case .leakyRelu(let alpha): for i in 0..<count { p[i] = p[i] >= 0 ? p[i] : alpha * p[i] }
        case .thresholdedRelu(let alpha): for i in 0..<count { p[i] = p[i] > alpha ? p[i] : 0 }
        case .scaledTanh(let alpha, let beta): for i in 0..<count { p[i] = alpha * tanhf(beta * p[i]) }
        case .hardSigmoid(let alpha, let beta): for i in 0..<count { p[i] = min(1, max(0, alpha * p[i] + beta)) }
        case .elu(let alpha): for i in 0..<count { p[i] = p[i] >= 0 ? p[i] : alpha * (expf(p[i]) - 1) }
        }
    }
}

/// Attributes every recurrent op shares, decoded once.
struct RecurrentAttributes: Sendable {
    let hiddenSize: Int?
    let direction: RecurrentDirection
    /// `perDirection` activations for each direction, in direction order.
    let activations: [[RecurrentActivation]]
    let clip: Float?
    let layout: Int

    init(_ node: NodeContext, defaults: [String]) throws {
        hiddenSize = try node.int("hidden_size")
        let directionName = try node.string("direction", default: "forward")
        guard let direction = RecurrentDirection(rawValue: directionName) else {
            throw KernelError("direction '\(directionName)' must be forward, reverse or bidirectional")
        }
        self.direction = direction
        var names = try node.strings("activations") ?? []
        if names.isEmpty { names = defaults }
        if names.count == defaults.count && direction.count == 2 { names += names }
        guard names.count == defaults.count * direction.count else {
            throw KernelError("activations lists \(names.count) functions, expected \(defaults.count * direction.count)")
        }
        let decoded = try RecurrentActivation.decode(
            names, alphas: try node.floats("activation_alpha") ?? [], betas: try node.floats("activation_beta") ?? [])
        activations = (0..<direction.count).map { Array(decoded[($0 * defaults.count)..<(($0 + 1) * defaults.count)]) }
        clip = try node.float("clip")
        layout = node.opset >= 14 ? try node.int("layout", default: 0) : 0
        guard layout == 0 || layout == 1 else { throw KernelError("layout must be 0 or 1, got \(layout)") }
    }
}

/// Inputs of a recurrent op after checks, in layout 0, as Float.
struct RecurrentInputs {
    let sequenceLength: Int
    let batch: Int
    let inputSize: Int
    let hidden: Int
    let directions: Int
    let dataType: DataType
    /// [seq, batch, input]
    let x: [Float]
    /// [dirs, gates·hidden, input]
    let w: [Float]
    /// [dirs, gates·hidden, hidden]
    let r: [Float]
    /// [dirs, 2·gates·hidden] (zeros when absent)
    let b: [Float]
    /// Per batch entry.
    let lengths: [Int]
    /// [dirs, batch, hidden] (zeros when absent)
    let initialH: [Float]

    init(_ inputs: [RuntimeValue?], gates: Int, attributes: RecurrentAttributes) throws {
        var xTensor = try ControlArgs.tensor(inputs, 0, "X")
        guard xTensor.rank == 3 else { throw KernelError("X must have rank 3, got \(xTensor.shape)") }
        guard ControlArgs.isFloating(xTensor.dataType) else { throw KernelError("X must be floating point, got \(xTensor.dataType)") }
        if attributes.layout == 1 { xTensor = ElementMoves.transpose(xTensor, perm: [1, 0, 2]) }
        dataType = xTensor.dataType
        sequenceLength = xTensor.shape[0]
        batch = xTensor.shape[1]
        inputSize = xTensor.shape[2]
        directions = attributes.direction.count
        guard sequenceLength > 0, batch > 0, inputSize > 0 else {
            throw KernelError("X must not be empty, got \(xTensor.shape)")
        }
        let wTensor = try ControlArgs.tensor(inputs, 1, "W")
        let rTensor = try ControlArgs.tensor(inputs, 2, "R")
        guard wTensor.rank == 3, wTensor.shape[0] == directions, wTensor.shape[2] == inputSize,
              wTensor.shape[1] % gates == 0 else {
            throw KernelError("W must be [\(directions), \(gates)·hidden, \(inputSize)], got \(wTensor.shape)")
        }
        hidden = attributes.hiddenSize ?? wTensor.shape[1] / gates
        // hidden_size is an attribute: compare before multiplying, which could overflow.
        guard hidden <= wTensor.shape[1] else {
            throw KernelError("hidden_size \(hidden) does not fit W of shape \(wTensor.shape)")
        }
        guard wTensor.shape[1] == gates * hidden else {
            throw KernelError("W must be [\(directions), \(gates * hidden), \(inputSize)], got \(wTensor.shape)")
        }
        guard hidden > 0 else { throw KernelError("hidden_size must be positive") }
        guard rTensor.shape == [directions, gates * hidden, hidden] else {
            throw KernelError("R must be [\(directions), \(gates * hidden), \(hidden)], got \(rTensor.shape)")
        }
        x = try ControlArgs.floats(xTensor, "X")
        w = try ControlArgs.floats(wTensor, "W")
        r = try ControlArgs.floats(rTensor, "R")
        if let bTensor = try ControlArgs.optionalTensor(inputs, 3, "B") {
            guard bTensor.shape == [directions, 2 * gates * hidden] else {
                throw KernelError("B must be [\(directions), \(2 * gates * hidden)], got \(bTensor.shape)")
            }
            b = try ControlArgs.floats(bTensor, "B")
        } else {
            b = [Float](repeating: 0, count: directions * 2 * gates * hidden)
        }
        if let lengthTensor = try ControlArgs.optionalTensor(inputs, 4, "sequence_lens") {
            let values = try ControlArgs.ints(lengthTensor, "sequence_lens")
            guard values.count == batch else { throw KernelError("sequence_lens must have \(batch) entries, got \(values.count)") }
            for v in values where v < 0 || v > sequenceLength {
                throw KernelError("sequence_lens entry \(v) is outside [0, \(sequenceLength)]")
            }
            lengths = values
        } else {
            lengths = [Int](repeating: sequenceLength, count: batch)
        }
        initialH = try Self.state(inputs, 5, "initial_h", attributes: attributes, directions: directions, batch: batch, hidden: hidden)
    }

    /// An initial state input ([dirs, batch, hidden], or [batch, dirs, hidden] in layout 1) as layout 0.
    static func state(_ inputs: [RuntimeValue?], _ index: Int, _ name: String, attributes: RecurrentAttributes,
                      directions: Int, batch: Int, hidden: Int) throws -> [Float] {
        guard var tensor = try ControlArgs.optionalTensor(inputs, index, name) else {
            return [Float](repeating: 0, count: directions * batch * hidden)
        }
        let expected = attributes.layout == 1 ? [batch, directions, hidden] : [directions, batch, hidden]
        guard tensor.shape == expected else { throw KernelError("\(name) must be \(expected), got \(tensor.shape)") }
        if attributes.layout == 1 { tensor = ElementMoves.transpose(tensor, perm: [1, 0, 2]) }
        return try ControlArgs.floats(tensor, name)
    }

    /// Y from [seq, dirs, batch, hidden] values, in the op's layout and data type.
    func outputY(_ values: [Float], layout: Int) -> TensorValue {
        let y = TensorValue(floating: dataType, shape: [sequenceLength, directions, batch, hidden], values: values)
        return layout == 1 ? ElementMoves.transpose(y, perm: [2, 0, 1, 3]) : y
    }

    /// Y_h / Y_c from [dirs, batch, hidden] values, in the op's layout and data type.
    func outputState(_ values: [Float], layout: Int) -> TensorValue {
        let s = TensorValue(floating: dataType, shape: [directions, batch, hidden], values: values)
        return layout == 1 ? ElementMoves.transpose(s, perm: [1, 0, 2]) : s
    }

    /// Rows of `batch` that are still running at step `step`, and the time index each reads.
    func time(step: Int, batch b: Int, reversed: Bool) -> Int? {
        let length = lengths[b]
        guard step < length else { return nil }
        return reversed ? length - 1 - step : step
    }
}

/// `c[m×n] = a[m×k] · b[n×k]ᵀ (+ c when accumulate)` over array slices given by offsets.
@inline(__always)
func recurrentGemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                   c: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
    guard m > 0, n > 0 else { return }
    if k == 0 {
        if !accumulate { c.update(repeating: 0, count: m * n) }
        return
    }
    BLAS.sgemm(transposeB: true, m: m, n: n, k: k, a: a, b: b, beta: accumulate ? 1 : 0, c: c)
}
