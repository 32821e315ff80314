import ONNX

// Min, Max (1, 6, 8, 12, 13), Sum, Mean (1, 6, 8, 13): any number of inputs. 1 and 6 require equal shapes
// (a special case of the numpy broadcasting 8 introduced, which is what this kernel does at every
// version); 12 adds integer types to Min/Max. Min/Max propagate NaN (numpy minimum/maximum). Inputs are
// folded left to right, the result broadcast step by step.

struct MinOp: ArithmeticOp {
    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float { a.isNaN || a < b ? a : b }
    @inline(__always) func apply(_ a: Double, _ b: Double) -> Double { a.isNaN || a < b ? a : b }
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { Swift.min(a, b) }
}

struct MaxOp: ArithmeticOp {
    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float { a.isNaN || a > b ? a : b }
    @inline(__always) func apply(_ a: Double, _ b: Double) -> Double { a.isNaN || a > b ? a : b }
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { Swift.max(a, b) }
}

struct VariadicKernel<Op: ArithmeticOp>: Kernel {
    let name: String
    let op: Op
    /// Divide the sum by the number of inputs (Mean).
    let mean: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        guard !inputs.isEmpty else { throw KernelError("\(name) needs at least one input") }
        var result = try ElementwiseInputs.tensor(inputs, 0, name)
        for index in 1..<inputs.count {
            let next = try ElementwiseInputs.tensor(inputs, index, name)
            try ElementwiseInputs.sameType(result, next, name)
            result = try Arithmetic<Op>.compute(op, result, next, bShape: next.shape, name: name)
        }
        guard mean else { return [.tensor(result)] }
        let n = inputs.count
        switch result.storage {
        case .float(let v):
            let scale = Float(n)
            return [.tensor(TensorValue(shape: result.shape, values: ElementwiseLoop.map(v) { $0 / scale }))]
        case .double(let v):
            let scale = Double(n)
            return [.tensor(TensorValue(shape: result.shape, values: ElementwiseLoop.map(v) { $0 / scale }))]
        case .half(let v):
            let scale = Float(n)
            let values = ElementwiseLoop.map(HalfArrays.widen(v, result.dataType)) { $0 / scale }
            return [.tensor(HalfArrays.tensor(result.dataType, result.shape, values))]
        default:
            throw KernelError("Mean does not support \(result.dataType)")
        }
    }
}

enum VariadicKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("Min", [1, 6, 8, 12, 13]) { _ in VariadicKernel(name: "Min", op: MinOp(), mean: false) }
        + KernelRegistration.versions("Max", [1, 6, 8, 12, 13]) { _ in VariadicKernel(name: "Max", op: MaxOp(), mean: false) }
        + KernelRegistration.versions("Sum", [1, 6, 8, 13]) { _ in VariadicKernel(name: "Sum", op: AddOp(), mean: false) }
        + KernelRegistration.versions("Mean", [1, 6, 8, 13]) { _ in VariadicKernel(name: "Mean", op: AddOp(), mean: true) }
}
