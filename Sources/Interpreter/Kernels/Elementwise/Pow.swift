import Foundation
import ONNX

// Pow (since 1, 7, 12, 13, 15). 1 broadcasts only with `broadcast=1` (B aligned at `axis`); 7 broadcasts
// like numpy; 12 lets the exponent have its own type (any real numeric) while the result keeps the base's
// type; 13 and 15 add bfloat16. float^float is computed in Float; mixed types in Double and then converted
// to the base's type (numpy's `power(a, b).astype(a.dtype)`), integer^integer exactly with wrap-around.

struct PowKernel: Kernel {
    let legacy: LegacyBroadcast

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try ElementwiseInputs.tensor(inputs, 0, "Pow")
        let b = try ElementwiseInputs.tensor(inputs, 1, "Pow")
        let bShape = try legacy.align(a.shape, b.shape)
        if case .float(let x) = a.storage, case .float(let y) = b.storage {
            let r = try ElementwiseLoop.binary(x, a.shape, y, bShape) { (p: Float, q: Float) in Foundation.pow(p, q) }
            return [.tensor(TensorValue(shape: r.shape, values: r.values))]
        }
        if !b.dataType.isFloatingPoint, let exponents = b.int64s(),
           let result = try a.visitIntegers(IntegerPower(aShape: a.shape, exponents: exponents, bShape: bShape)) {
            return [.tensor(result)]
        }
        guard let x = a.doubles(), let y = b.doubles() else {
            throw KernelError("Pow does not support \(a.dataType) ^ \(b.dataType)")
        }
        let r = try ElementwiseLoop.binary(x, a.shape, y, bShape) { (p: Double, q: Double) in Foundation.pow(p, q) }
        switch a.storage {
        case .double: return [.tensor(TensorValue(shape: r.shape, values: r.values))]
        case .float, .half:
            return [.tensor(TensorValue(floating: a.dataType, shape: r.shape, values: ElementwiseLoop.map(r.values) { Float($0) }))]
        default:
            guard let result = try a.visitIntegers(IntegerFromDouble(values: r.values, shape: r.shape)) else {
                throw KernelError("Pow does not support base type \(a.dataType)")
            }
            return [.tensor(result)]
        }
    }

    /// integer^integer by repeated squaring, wrapping like numpy; negative exponents give 1/x truncated.
    private struct IntegerPower: IntegerVisitor {
        let aShape: [Int]
        let exponents: [Int64]
        let bShape: [Int]

        func visit<T: FixedWidthInteger & TensorElement>(_ x: [T]) throws -> TensorValue {
            let r = try ElementwiseLoop.binary(x, aShape, exponents, bShape) { (base: T, e: Int64) -> T in
                if e < 0 {
                    if base == 1 { return 1 }
                    if T.isSigned && base == T(truncatingIfNeeded: -1) { return e & 1 == 0 ? 1 : base }
                    return 0
                }
                var result: T = 1, b = base, n = e
                while n > 0 {
                    if n & 1 == 1 { result = result &* b }
                    b = b &* b
                    n >>= 1
                }
                return result
            }
            return TensorValue(shape: r.shape, values: r.values)
        }
    }

    private struct IntegerFromDouble: IntegerVisitor {
        let values: [Double]
        let shape: [Int]

        func visit<T: FixedWidthInteger & TensorElement>(_: [T]) throws -> TensorValue {
            TensorValue(shape: shape, values: ElementwiseLoop.map(values) { CastConversion.integer($0) as T })
        }
    }
}

enum PowKernels {
    static let registrations = KernelRegistration.versions("Pow", [1, 7, 12, 13, 15]) { context in
        PowKernel(legacy: try LegacyBroadcast(context))
    }
}
