import Foundation
import ONNX

/// Activation functions (the `activation` option of Dense, Conv… and the Activation layer) and the
/// activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.
enum ActivationLayers {
    static let mappings: [String: LayerMapping] = [
        "Activation": { c in
            let x = try c.input()
            return [KerasTensor(name: try apply(try c.string("activation"), to: x.name, c), shape: x.shape)]
        },
        "ReLU": relu,
        "LeakyReLU": { c in
            let x = try c.input()
            // Keras 2 calls the slope `alpha` (default 0.3), Keras 3 `negative_slope` (default 0.3).
            let slope = try c.config["negative_slope"] != nil ? c.finite("negative_slope") : c.finite("alpha", default: 0.3)
            return [KerasTensor(name: c.builder.op("LeakyRelu", [x.name], [.float("alpha", slope)]), shape: x.shape)]
        },
        "ELU": { c in
            let x = try c.input()
            return [KerasTensor(name: c.builder.op("Elu", [x.name], [.float("alpha", try c.finite("alpha", default: 1))]), shape: x.shape)]
        },
        "PReLU": prelu,
        "Softmax": { c in
            // Called with a mask, the layer gets it as a second input; ONNX Softmax has no mask.
            guard let x = c.inputs.first, c.inputs.count <= 2 else { throw c.fail("expects 1 input and an optional mask") }
            if c.inputs.count == 2 { c.warn("the mask argument of Softmax is ignored") }
            let axis = try c.axis("axis", rank: x.rank, default: -1, batch: true)
            return [KerasTensor(name: try softmax("Softmax", x, axis: axis, c), shape: x.shape)]
        },
    ]

    /// ReLU(max_value, threshold, negative_slope): y = x ≥ max ? max : x ≥ threshold ? x : slope·(x − threshold).
    private static func relu(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let maxValue = c.config["max_value"].map { $0.isNull } ?? true ? nil : try c.float("max_value")
        let threshold = try c.finite("threshold", default: 0), slope = try c.finite("negative_slope", default: 0)
        let b = c.builder
        var y: String
        if threshold == 0 && slope == 0 {
            y = b.op("Relu", [x.name])
        } else if threshold == 0 {
            y = b.op("LeakyRelu", [x.name], [.float("alpha", slope)])
        } else {
            // Below the threshold: slope·(x − threshold); at or above it: x.
            let t = b.scalar("threshold", threshold)
            let below = b.op("Mul", [b.op("Sub", [x.name, t]), b.scalar("slope", slope)])
            y = b.op("Where", [b.op("Less", [x.name, t]), below, x.name])
        }
        if let maxValue { y = b.op("Min", [y, b.scalar("max_value", maxValue)]) }
        return [KerasTensor(name: y, shape: x.shape)]
    }

    /// PReLU with `shared_axes`: the alpha weight has size 1 along shared axes, which broadcasting covers.
    private static func prelu(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let alpha = try c.weight(0, "alpha")
        guard alpha.shape.count == x.rank - 1 else { throw c.fail("alpha has shape \(alpha.shape) for input rank \(x.rank)") }
        let slope = c.builder.weight("alpha", alpha)
        return [KerasTensor(name: c.builder.op("PRelu", [x.name, slope]), shape: x.shape)]
    }

    /// Softmax or LogSoftmax along `axis` (opset 13 on: any single axis).
    static func softmax(_ op: String, _ x: KerasTensor, axis: Int, _ c: LayerContext) throws -> String {
        if c.builder.opset < 13 && !(axis == -1 || axis == x.rank - 1) || c.builder.opset < 13 && x.rank > 2 {
            throw c.fail("\(op) over axis \(axis) of a rank-\(x.rank) tensor needs opset 13 or later")
        }
        return c.builder.op(op, [x.name], [.int("axis", axis)])
    }

    /// Applies the activation called `name` to value `x`; returns the result's name (x itself for linear).
    static func apply(_ name: String, to x: String, _ c: LayerContext) throws -> String {
        let b = c.builder
        switch name {
        case "linear", "": return x
        case "relu": return b.op("Relu", [x])
        case "sigmoid": return b.op("Sigmoid", [x])
        case "tanh": return b.op("Tanh", [x])
        case "softplus": return b.op("Softplus", [x])
        case "softsign": return b.op("Softsign", [x])
        case "selu": return b.op("Selu", [x])
        case "elu": return b.op("Elu", [x])
        case "exponential": return b.op("Exp", [x])
        case "swish", "silu": return b.op("Mul", [x, b.op("Sigmoid", [x])])
        case "relu6": return b.op("Clip", [x, b.scalar("zero", 0), b.scalar("six", 6)])
        case "leaky_relu": return b.op("LeakyRelu", [x], [.float("alpha", 0.2)])
        case "hard_sigmoid":
            // Keras 2: clip(0.2·x + 0.5, 0, 1). Keras 3: relu6(x + 3) / 6.
            let alpha: Float = c.kerasVersion >= 3 ? 1 / 6 : 0.2
            return b.op("HardSigmoid", [x], [.float("alpha", alpha), .float("beta", 0.5)])
        case "hard_swish", "hard_silu":
            if b.opset >= 14 { return b.op("HardSwish", [x]) }
            return b.op("Mul", [x, b.op("HardSigmoid", [x], [.float("alpha", 1 / 6), .float("beta", 0.5)])])
        case "mish":
            if b.opset >= 18 { return b.op("Mish", [x]) }
            return b.op("Mul", [x, b.op("Tanh", [b.op("Softplus", [x])])])
        case "gelu": return gelu(x, approximate: false, b)
        case "softmax", "log_softmax":
            guard let tensor = c.inputs.first else { throw c.fail("softmax without an input") }
            return try softmax(name == "softmax" ? "Softmax" : "LogSoftmax", KerasTensor(name: x, shape: tensor.shape), axis: -1, c)
        default:
            throw c.fail("activation '\(name)' is not supported")
        }
    }

    /// Exact gelu, x·Φ(x) = 0.5·x·(1 + erf(x/√2)); the Gelu op from opset 20.
    static func gelu(_ x: String, approximate: Bool, _ b: GraphBuilder) -> String {
        if b.opset >= 20 { return b.op("Gelu", [x], approximate ? [.string("approximate", "tanh")] : []) }
        if approximate {
            // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
            let cube = b.op("Mul", [b.op("Mul", [x, x]), x])
            let inner = b.op("Add", [x, b.op("Mul", [cube, b.scalar("c", 0.044715)])])
            let t = b.op("Tanh", [b.op("Mul", [inner, b.scalar("sqrt_2_over_pi", Float((2 / Double.pi).squareRoot()))])])
            return b.op("Mul", [b.op("Mul", [x, b.scalar("half", 0.5)]), b.op("Add", [t, b.scalar("one", 1)])])
        }
        let e = b.op("Erf", [b.op("Div", [x, b.scalar("sqrt2", Float(2.0.squareRoot()))])])
        return b.op("Mul", [b.op("Mul", [x, b.scalar("half", 0.5)]), b.op("Add", [e, b.scalar("one", 1)])])
    }
}
