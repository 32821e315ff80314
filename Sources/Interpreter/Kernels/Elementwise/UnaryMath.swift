import Foundation
import ONNX

// Unary math. Since-versions, all with the same semantics (later versions only add types, v1's
// `consumed_inputs` is ignored):
//   Neg, Abs (1, 6, 13; signed integers too, Abs also unsigned), Sqrt, Exp, Log, Reciprocal, Floor, Ceil
//   (1, 6, 13), Round (11, 22; half to even), Sign (9, 13; every numeric type), Sin, Cos, Tan, Asin, Acos,
//   Atan (7, 22), Sinh, Cosh, Asinh, Acosh, Atanh (9, 22), Erf (9, 13).
// Integer Neg/Abs wrap around at the minimum value (numpy's result).

struct NegOp: IntegerUnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { -x }
    @inline(__always) func apply(_ x: Double) -> Double { -x }
    @inline(__always) func apply<T: FixedWidthInteger>(_ x: T) -> T { 0 &- x }
}

struct AbsOp: IntegerUnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { Swift.abs(x) }
    @inline(__always) func apply(_ x: Double) -> Double { Swift.abs(x) }
    @inline(__always) func apply<T: FixedWidthInteger>(_ x: T) -> T { x < 0 ? 0 &- x : x }
}

struct SignOp: IntegerUnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? x : 0)) }
    @inline(__always) func apply(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? x : 0)) }
    @inline(__always) func apply<T: FixedWidthInteger>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? T(truncatingIfNeeded: -1) : 0) }
}

/// A floating-only unary function given by its Float and Double forms.
struct MathOp: UnaryOp {
    let f: @Sendable (Float) -> Float
    let d: @Sendable (Double) -> Double
    @inline(__always) func apply(_ x: Float) -> Float { f(x) }
    @inline(__always) func apply(_ x: Double) -> Double { d(x) }
}

struct SqrtOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) func apply(_ x: Double) -> Double { x.squareRoot() }
}

struct ExpOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) func apply(_ x: Double) -> Double { Foundation.exp(x) }
}

struct LogOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { Foundation.log(x) }
    @inline(__always) func apply(_ x: Double) -> Double { Foundation.log(x) }
}

struct ReciprocalOp: UnaryOp {
    @inline(__always) func apply(_ x: Float) -> Float { 1 / x }
    @inline(__always) func apply(_ x: Double) -> Double { 1 / x }
}

struct RoundingOp: UnaryOp {
    let rule: FloatingPointRoundingRule
    @inline(__always) func apply(_ x: Float) -> Float { x.rounded(rule) }
    @inline(__always) func apply(_ x: Double) -> Double { x.rounded(rule) }
}

enum UnaryMathKernels {
    private static func math(_ name: String, _ versions: [Int],
                             _ f: @escaping @Sendable (Float) -> Float,
                             _ d: @escaping @Sendable (Double) -> Double) -> [KernelRegistration] {
        KernelRegistration.unary(name, versions) { _ in MathOp(f: f, d: d) }
    }

    static let registrations: [KernelRegistration] =
        KernelRegistration.integerUnary("Neg", [1, 6, 13]) { _ in NegOp() }
        + KernelRegistration.integerUnary("Abs", [1, 6, 13]) { _ in AbsOp() }
        + KernelRegistration.integerUnary("Sign", [9, 13]) { _ in SignOp() }
        + KernelRegistration.unary("Sqrt", [1, 6, 13]) { _ in SqrtOp() }
        + KernelRegistration.unary("Exp", [1, 6, 13]) { _ in ExpOp() }
        + KernelRegistration.unary("Log", [1, 6, 13]) { _ in LogOp() }
        + KernelRegistration.unary("Reciprocal", [1, 6, 13]) { _ in ReciprocalOp() }
        + KernelRegistration.unary("Floor", [1, 6, 13]) { _ in RoundingOp(rule: .down) }
        + KernelRegistration.unary("Ceil", [1, 6, 13]) { _ in RoundingOp(rule: .up) }
        + KernelRegistration.unary("Round", [11, 22]) { _ in RoundingOp(rule: .toNearestOrEven) }
        + math("Sin", [7, 22], { Foundation.sin($0) }, { Foundation.sin($0) })
        + math("Cos", [7, 22], { Foundation.cos($0) }, { Foundation.cos($0) })
        + math("Tan", [7, 22], { Foundation.tan($0) }, { Foundation.tan($0) })
        + math("Asin", [7, 22], { Foundation.asin($0) }, { Foundation.asin($0) })
        + math("Acos", [7, 22], { Foundation.acos($0) }, { Foundation.acos($0) })
        + math("Atan", [7, 22], { Foundation.atan($0) }, { Foundation.atan($0) })
        + math("Sinh", [9, 22], { Foundation.sinh($0) }, { Foundation.sinh($0) })
        + math("Cosh", [9, 22], { Foundation.cosh($0) }, { Foundation.cosh($0) })
        + math("Asinh", [9, 22], { Foundation.asinh($0) }, { Foundation.asinh($0) })
        + math("Acosh", [9, 22], { Foundation.acosh($0) }, { Foundation.acosh($0) })
        + math("Atanh", [9, 22], { Foundation.atanh($0) }, { Foundation.atanh($0) })
        + math("Erf", [9, 13], { Foundation.erf($0) }, { Foundation.erf($0) })
}
