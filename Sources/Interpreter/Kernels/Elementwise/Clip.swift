import ONNX

// Clip. 1 and 6: bounds are the float attributes `min`/`max` (defaults: the lowest and highest finite
// float). 11: bounds are optional scalar inputs 1 and 2 (absent = unbounded); 12 adds integer types, 13
// bfloat16. y = min(max(x, lo), hi) as numpy's clip, so lo > hi gives hi everywhere; NaN passes through.

struct ClipKernel: Kernel {
    /// Bounds from attributes (opset < 11), else read from the inputs.
    let attributeBounds: (lo: Float, hi: Float)?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ElementwiseInputs.tensor(inputs, 0, "Clip")
        var loTensor: TensorValue?, hiTensor: TensorValue?
        if attributeBounds == nil {
            loTensor = try ElementwiseInputs.optionalTensor(inputs, 1, "Clip")
            hiTensor = try ElementwiseInputs.optionalTensor(inputs, 2, "Clip")
            for bound in [loTensor, hiTensor].compactMap({ $0 }) {
                guard bound.count == 1 else { throw KernelError("Clip: min and max must be scalars, got shape \(bound.shape)") }
                try ElementwiseInputs.sameType(x, bound, "Clip")
            }
        }
        if let result = try x.visitIntegers(IntegerClip(shape: x.shape, lo: loTensor, hi: hiTensor)) {
            return [.tensor(result)]
        }
        let lo = attributeBounds?.lo ?? loTensor?.floats()?.first ?? -.infinity
        let hi = attributeBounds?.hi ?? hiTensor?.floats()?.first ?? .infinity
        switch x.storage {
        case .float(let v):
            return [.tensor(TensorValue(shape: x.shape, values: ElementwiseLoop.map(v, Bounds(lo: lo, hi: hi))))]
        case .double(let v):
            let dlo = attributeBounds.map { Double($0.lo) } ?? loTensor?.doubles()?.first ?? -.infinity
            let dhi = attributeBounds.map { Double($0.hi) } ?? hiTensor?.doubles()?.first ?? .infinity
            return [.tensor(TensorValue(shape: x.shape, values: ElementwiseLoop.map(v, Bounds(lo: dlo, hi: dhi))))]
        case .half(let v):
            let values = ElementwiseLoop.map(HalfArrays.widen(v, x.dataType), Bounds(lo: lo, hi: hi))
            return [.tensor(HalfArrays.tensor(x.dataType, x.shape, values))]
        default:
            throw KernelError("Clip does not support \(x.dataType)")
        }
    }

    /// y = min(max(x, lo), hi). A NaN fails both comparisons and passes through, with no branch to stop
    /// the loop from vectorising.
    struct Bounds<F: FloatingPoint & Sendable>: UnaryElementFunction {
        let lo: F, hi: F
        @inline(__always) func callAsFunction(_ x: F) -> F {
            let raised = x < lo ? lo : x
            return raised > hi ? hi : raised
        }
    }

    private struct IntegerClip: IntegerVisitor {
        let shape: [Int]
        let lo: TensorValue?
        let hi: TensorValue?

        func visit<T: FixedWidthInteger & TensorElement>(_ x: [T]) throws -> TensorValue {
            let l = lo.flatMap { T.array(of: $0.storage)?.first } ?? T.min
            let h = hi.flatMap { T.array(of: $0.storage)?.first } ?? T.max
            return TensorValue(shape: shape, values: ElementwiseLoop.map(x) { Swift.min(Swift.max($0, l), h) })
        }
    }
}

enum ClipKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("Clip", [1, 6]) { context in
            ClipKernel(attributeBounds: (try context.float("min", default: -.greatestFiniteMagnitude),
                                         try context.float("max", default: .greatestFiniteMagnitude)))
        }
        + KernelRegistration.versions("Clip", [11, 12, 13]) { _ in ClipKernel(attributeBounds: nil) }
}
