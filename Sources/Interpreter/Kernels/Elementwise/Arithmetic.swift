import Foundation
import ONNX

// Add, Sub, Mul, Div (since 1, 6, 7, 13, 14) and Mod (since 10, 13, 28).
// Versions 1 and 6 broadcast only with `broadcast=1`, B aligned to A at `axis` (v1's `consumed_inputs`
// is ignored); 7 on broadcast like numpy. 13 and 14 only widen the types (bfloat16, then int8/int16/uint8/
// uint16), which this kernel handles at every version. Integer arithmetic wraps around; integer division
// truncates toward zero, and division or modulo by zero gives 0 (numpy's result) instead of trapping.
// Mod: `fmod=1` is C fmod (sign of the dividend), `fmod=0` is numpy's mod (sign of the divisor); 28 allows
// `fmod=0` for floating types too.

/// A binary operation defined for every real numeric type.
protocol ArithmeticOp: Sendable {
    func apply(_ a: Float, _ b: Float) -> Float
    func apply(_ a: Double, _ b: Double) -> Double
    func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T
}

struct AddOp: ArithmeticOp {
    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) func apply(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a &+ b }
}

struct SubOp: ArithmeticOp {
    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) func apply(_ a: Double, _ b: Double) -> Double { a - b }
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a &- b }
}

struct MulOp: ArithmeticOp {
    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) func apply(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a &* b }
}

struct DivOp: ArithmeticOp {
    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float { a / b }
    @inline(__always) func apply(_ a: Double, _ b: Double) -> Double { a / b }
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
    }
}

struct ModOp: ArithmeticOp {
    /// C fmod (true) or numpy mod (false).
    let fmod: Bool

    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float {
        let r = Foundation.fmod(a, b)
        return fmod ? r : Self.floorAdjust(r, b)
    }

    @inline(__always) func apply(_ a: Double, _ b: Double) -> Double {
        let r = Foundation.fmod(a, b)
        return fmod ? r : Self.floorAdjust(r, b)
    }

    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        guard b != 0 else { return 0 }
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        if fmod || r == 0 { return r }
        return (r < 0) != (b < 0) ? r &+ b : r
    }

    /// numpy's correction of fmod's remainder to the divisor's sign (npy_divmod).
    @inline(__always) static func floorAdjust<F: BinaryFloatingPoint>(_ r: F, _ b: F) -> F {
        if b == 0 || r.isNaN { return r }
        if r != 0 { return (b < 0) != (r < 0) ? r + b : r }
        return F(signOf: b, magnitudeOf: 0)
    }
}

/// A broadcasting binary arithmetic op. `compute` is made where the op's type is concrete, so the loops
/// are specialised for it (a kernel generic over the op would run them through value witnesses).
struct ArithmeticKernel: Kernel {
    let name: String
    let legacy: LegacyBroadcast
    let compute: @Sendable (TensorValue, TensorValue, _ bShape: [Int]) throws -> TensorValue

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try ElementwiseInputs.tensor(inputs, 0, name)
        let b = try ElementwiseInputs.tensor(inputs, 1, name)
        try ElementwiseInputs.sameType(a, b, name)
        let bShape = try legacy.align(a.shape, b.shape)
        return [.tensor(try compute(a, b, bShape))]
    }
}

/// Applies an `ArithmeticOp` to two tensors of one type, broadcasting, for every element type.
enum Arithmetic<Op: ArithmeticOp> {
    static func compute(_ op: Op, _ a: TensorValue, _ b: TensorValue, bShape: [Int], name: String) throws -> TensorValue {
        switch (a.storage, b.storage) {
        case (.float(let x), .float(let y)):
            let r = try ElementwiseLoop.binary(x, a.shape, y, bShape, InFloat(op: op))
            return TensorValue(shape: r.shape, values: r.values)
        case (.double(let x), .double(let y)):
            let r = try ElementwiseLoop.binary(x, a.shape, y, bShape, InDouble(op: op))
            return TensorValue(shape: r.shape, values: r.values)
        case (.half(let x), .half(let y)):
            let r = try ElementwiseLoop.binary(HalfArrays.widen(x, a.dataType), a.shape, HalfArrays.widen(y, b.dataType), bShape,
                                               InFloat(op: op))
            return HalfArrays.tensor(a.dataType, r.shape, r.values)
        default:
            if let result = try a.visitIntegers(IntegerArithmetic(op: op, aShape: a.shape, b: b, bShape: bShape)) {
                return result
            }
            throw KernelError("\(name) does not support \(a.dataType)")
        }
    }

    private struct InFloat: BinaryElementFunction {
        let op: Op
        @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { op.apply(a, b) }
    }

    private struct InDouble: BinaryElementFunction {
        let op: Op
        @inline(__always) func callAsFunction(_ a: Double, _ b: Double) -> Double { op.apply(a, b) }
    }

    private struct IntegerArithmetic: IntegerVisitor {
        let op: Op
        let aShape: [Int]
        let b: TensorValue
        let bShape: [Int]

        func visit<T: FixedWidthInteger & TensorElement>(_ x: [T]) throws -> TensorValue {
            guard let y = T.array(of: b.storage) else { throw KernelError("input types differ") }
            let r = try ElementwiseLoop.binary(x, aShape, y, bShape) { (p: T, q: T) in op.apply(p, q) }
            return TensorValue(shape: r.shape, values: r.values)
        }
    }
}

enum ArithmeticKernels {
    static func binary<Op: ArithmeticOp>(_ name: String, _ versions: [Int], _ op: Op) -> [KernelRegistration] {
        KernelRegistration.versions(name, versions) { context in
            ArithmeticKernel(name: name, legacy: try LegacyBroadcast(context)) { a, b, bShape in
                try Arithmetic.compute(op, a, b, bShape: bShape, name: name)
            }
        }
    }

    static let registrations: [KernelRegistration] =
        binary("Add", [1, 6, 7, 13, 14], AddOp())
        + binary("Sub", [1, 6, 7, 13, 14], SubOp())
        + binary("Mul", [1, 6, 7, 13, 14], MulOp())
        + binary("Div", [1, 6, 7, 13, 14], DivOp())
        + KernelRegistration.versions("Mod", [10, 13, 28]) { context in
            let fmod = try context.int("fmod", default: 0) != 0
            return ArithmeticKernel(name: "Mod", legacy: try LegacyBroadcast(context)) { a, b, bShape in
                try Arithmetic.compute(ModOp(fmod: fmod), a, b, bShape: bShape, name: "Mod")
            }
        }
}
