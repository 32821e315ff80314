import ONNX

// IsNaN (9, 13, 20) and IsInf (10, 20): bool results. 13 adds bfloat16, 20 the float8 types (decoded
// through Cast's codecs). IsInf's `detect_negative`/`detect_positive` (default 1) pick the infinities.

struct FloatClassKernel: Kernel {
    let name: String
    let test: @Sendable (Double) -> Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ElementwiseInputs.tensor(inputs, 0, name)
        let values: [Bool]
        switch x.storage {
        case .float(let v): values = ElementwiseLoop.map(v) { test(Double($0)) }
        case .double(let v): values = ElementwiseLoop.map(v, test)
        case .half(let v): values = ElementwiseLoop.map(HalfArrays.widen(v, x.dataType)) { test(Double($0)) }
        case .bytes:
            guard case .reals(let v, _) = try CastConversion.wide(x) else {
                throw KernelError("\(name) does not support \(x.dataType)")
            }
            values = ElementwiseLoop.map(v, test)
        default:
            throw KernelError("\(name) does not support \(x.dataType)")
        }
        return [.tensor(TensorValue(shape: x.shape, values: values))]
    }
}

enum FloatClassKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("IsNaN", [9, 13, 20]) { _ in FloatClassKernel(name: "IsNaN") { $0.isNaN } }
        + KernelRegistration.versions("IsInf", [10, 20]) { context in
            let negative = try context.int("detect_negative", default: 1) != 0
            let positive = try context.int("detect_positive", default: 1) != 0
            return FloatClassKernel(name: "IsInf") { v in
                v.isInfinite && (v < 0 ? negative : positive)
            }
        }
}
