import Foundation
import ONNX

// Elementwise activations, attributes decoded once with the schema defaults. Since-versions (later ones
// only add types; v1's `consumed_inputs` is ignored):
//   Relu (1, 6, 13, 14; 14 adds signed integers), LeakyRelu (1, 6, 16; alpha=0.01), Elu (1, 6, 22;
//   alpha=1), Selu (1, 6, 22), Celu (12, 28; alpha=1), Sigmoid, Tanh (1, 6, 13), HardSigmoid (1, 6, 22;
//   alpha=0.2, beta=0.5), HardSwish (14, 22), Softplus, Softsign (1, 22), Mish (18, 22), ThresholdedRelu
//   (10, 22; alpha=1), Shrink (9; lambd=0.5, bias=0), Swish (24; alpha=1), Gelu (20; approximate "none"
//   or "tanh").

struct ReluOp: IntegerUnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { x < 0 ? 0 : x }
    @inline(__always) func apply(_ x: Double) -> Double { x < 0 ? 0 : x }
    @inline(__always) func apply<T: FixedWidthInteger>(_ x: T) -> T { x < 0 ? 0 : x }
}

struct LeakyReluOp: UnaryOp {
    let alpha: Float
    @inline(__always) func apply(_ x: Float) -> Float { x < 0 ? alpha * x : x }
    @inline(__always) func apply(_ x: Double) -> Double { x < 0 ? Double(alpha) * x : x }
}

struct EluOp: UnaryOp {
    let alpha: Float
    @inline(__always) func apply(_ x: Float) -> Float { x < 0 ? alpha * (Foundation.exp(x) - 1) : x }
    @inline(__always) func apply(_ x: Double) -> Double { x < 0 ? Double(alpha) * (Foundation.exp(x) - 1) : x }
}

struct SeluOp: UnaryOp {
    let alpha: Float
    let gamma: Float
    @inline(__always) func apply(_ x: Float) -> Float { x > 0 ? gamma * x : gamma * (alpha * Foundation.exp(x) - alpha) }
    @inline(__always) func apply(_ x: Double) -> Double {
        let a = Double(alpha), g = Double(gamma)
        return x > 0 ? g * x : g * (a * Foundation.exp(x) - a)
    }
}

struct CeluOp: UnaryOp {
    let alpha: Float
    @inline(__always) func apply(_ x: Float) -> Float { Swift.max(0, x) + Swift.min(0, alpha * (Foundation.exp(x / alpha) - 1)) }
    @inline(__always) func apply(_ x: Double) -> Double {
        let a = Double(alpha)
        return Swift.max(0, x) + Swift.min(0, a * (Foundation.exp(x / a) - 1))
    }
}

struct SigmoidOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
    @inline(__always) func apply(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
}

struct TanhOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { Foundation.tanh(x) }
    @inline(__always) func apply(_ x: Double) -> Double { Foundation.tanh(x) }
}

struct HardSigmoidOp: UnaryOp {
    let alpha: Float
    let beta: Float
    @inline(__always) func apply(_ x: Float) -> Float { Swift.max(0, Swift.min(1, alpha * x + beta)) }
    @inline(__always) func apply(_ x: Double) -> Double { Swift.max(0, Swift.min(1, Double(alpha) * x + Double(beta))) }
}

struct HardSwishOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { x * Swift.max(0, Swift.min(1, x / 6 + 0.5)) }
    @inline(__always) func apply(_ x: Double) -> Double { x * Swift.max(0, Swift.min(1, x / 6 + 0.5)) }
}

/// log(1 + e^x), without overflow for large x.
struct SoftplusOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { x > 20 ? x : Foundation.log1p(Foundation.exp(x)) }
    @inline(__always) func apply(_ x: Double) -> Double { x > 40 ? x : Foundation.log1p(Foundation.exp(x)) }
}

struct SoftsignOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { x / (1 + Swift.abs(x)) }
    @inline(__always) func apply(_ x: Double) -> Double { x / (1 + Swift.abs(x)) }
}

struct MishOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { x * Foundation.tanh(SoftplusOp().apply(x)) }
    @inline(__always) func apply(_ x: Double) -> Double { x * Foundation.tanh(SoftplusOp().apply(x)) }
}

struct ThresholdedReluOp: UnaryOp {
    let alpha: Float
    @inline(__always) func apply(_ x: Float) -> Float { x > alpha ? x : 0 }
    @inline(__always) func apply(_ x: Double) -> Double { x > Double(alpha) ? x : 0 }
}

struct ShrinkOp: UnaryOp {
    let lambd: Float
    let bias: Float
    @inline(__always) func apply(_ x: Float) -> Float { x < -lambd ? x + bias : (x > lambd ? x - bias : 0) }
    @inline(__always) func apply(_ x: Double) -> Double {
        let l = Double(lambd), b = Double(bias)
        return x < -l ? x + b : (x > l ? x - b : 0)
    }
}

struct SwishOp: UnaryOp {
    let alpha: Float
    @inline(__always) func apply(_ x: Float) -> Float { x / (1 + Foundation.exp(-alpha * x)) }
    @inline(__always) func apply(_ x: Double) -> Double { x / (1 + Foundation.exp(-Double(alpha) * x)) }
}

struct GeluOp: UnaryOp {
    /// The tanh approximation instead of the exact erf form.
    let tanh: Bool

    @inline(__always) func apply(_ x: Float) -> Float {
        if tanh {
            let inner: Float = 0.7978845608028654 * (x + 0.044715 * x * x * x)
            return 0.5 * x * (1 + Foundation.tanh(inner))
        }
        return 0.5 * x * (1 + Foundation.erf(x * 0.7071067811865476))
    }

    @inline(__always) func apply(_ x: Double) -> Double {
        if tanh {
            return 0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
        }
        return 0.5 * x * (1 + Foundation.erf(x * 0.7071067811865476))
    }
}

enum ActivationKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.integerUnary("Relu", [1, 6, 13, 14]) { _ in ReluOp() }
        + KernelRegistration.unary("LeakyRelu", [1, 6, 16]) { LeakyReluOp(alpha: try $0.float("alpha", default: 0.01)) }
        + KernelRegistration.unary("Elu", [1, 6, 22]) { EluOp(alpha: try $0.float("alpha", default: 1)) }
        + KernelRegistration.unary("Selu", [1, 6, 22]) {
            SeluOp(alpha: try $0.float("alpha", default: 1.67326319217681884765625),
                   gamma: try $0.float("gamma", default: 1.05070102214813232421875))
        }
        + KernelRegistration.unary("Celu", [12, 28]) { CeluOp(alpha: try $0.float("alpha", default: 1)) }
        + KernelRegistration.unary("Sigmoid", [1, 6, 13]) { _ in SigmoidOp() }
        + KernelRegistration.unary("Tanh", [1, 6, 13]) { _ in TanhOp() }
        + KernelRegistration.unary("HardSigmoid", [1, 6, 22]) {
            HardSigmoidOp(alpha: try $0.float("alpha", default: 0.2), beta: try $0.float("beta", default: 0.5))
        }
        + KernelRegistration.unary("HardSwish", [14, 22]) { _ in HardSwishOp() }
        + KernelRegistration.unary("Softplus", [1, 22]) { _ in SoftplusOp() }
        + KernelRegistration.unary("Softsign", [1, 22]) { _ in SoftsignOp() }
        + KernelRegistration.unary("Mish", [18, 22]) { _ in MishOp() }
        + KernelRegistration.unary("ThresholdedRelu", [10, 22]) { ThresholdedReluOp(alpha: try $0.float("alpha", default: 1)) }
        + KernelRegistration.unary("Shrink", [9]) {
            ShrinkOp(lambd: try $0.float("lambd", default: 0.5), bias: try $0.float("bias", default: 0))
        }
        + KernelRegistration.unary("Swish", [24]) { SwishOp(alpha: try $0.float("alpha", default: 1)) }
        + KernelRegistration.unary("Gelu", [20]) { context in
            let approximate = try context.string("approximate", default: "none")
            guard approximate == "none" || approximate == "tanh" else {
                throw KernelError("Gelu: approximate must be \"none\" or \"tanh\", got \"\(approximate)\"")
            }
            return GeluOp(tanh: approximate == "tanh")
        }
}
