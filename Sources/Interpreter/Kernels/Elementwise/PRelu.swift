import ONNX

// PRelu (1, 6, 7, 9, 16): y = x < 0 ? slope * x : x, slope broadcast to x. 1 and 6 take a slope of X's
// shape or of one element (both cases of numpy broadcasting); 7 broadcasts slope to X unidirectionally;
// 9 adds int32/int64/uint32/uint64; 16 adds bfloat16.

struct PReluOp: ArithmeticOp {
    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float { a < 0 ? a * b : a }
    @inline(__always) func apply(_ a: Double, _ b: Double) -> Double { a < 0 ? a * b : a }
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a < 0 ? a &* b : a }
}

struct PReluKernel: Kernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ElementwiseInputs.tensor(inputs, 0, "PRelu")
        let slope = try ElementwiseInputs.tensor(inputs, 1, "PRelu")
        try ElementwiseInputs.sameType(x, slope, "PRelu")
        guard try Broadcast.shape([x.shape, slope.shape]) == x.shape else {
            throw KernelError("PRelu: slope \(slope.shape) does not broadcast to X \(x.shape)")
        }
        return [.tensor(try Arithmetic<PReluOp>.compute(PReluOp(), x, slope, bShape: slope.shape, name: "PRelu"))]
    }
}

enum PReluKernels {
    static let registrations = KernelRegistration.versions("PRelu", [1, 6, 7, 9, 16]) { _ in PReluKernel() }
}
