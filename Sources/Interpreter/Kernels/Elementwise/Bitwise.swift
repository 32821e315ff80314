import ONNX

// BitShift (11, 28), BitwiseAnd, BitwiseOr, BitwiseXor, BitwiseNot (18), numpy broadcasting.
// BitShift 11 takes unsigned integers; 28 adds signed ones. A shift amount that is negative or not
// smaller than the bit width shifts everything out: 0 for LEFT, and for RIGHT 0 or -1 (sign fill,
// arithmetic shift of signed values), as the node suite expects.

protocol IntegerBinaryOp: Sendable {
    func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T
}

struct ShiftLeftOp: IntegerBinaryOp {
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        b < 0 || b >= T.bitWidth ? 0 : a << b
    }
}

struct ShiftRightOp: IntegerBinaryOp {
    @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        b < 0 || b >= T.bitWidth ? (a < 0 ? T(truncatingIfNeeded: -1) : 0) : a >> b
    }
}

struct BitAndOp: IntegerBinaryOp { @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a & b } }
struct BitOrOp: IntegerBinaryOp { @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a | b } }
struct BitXorOp: IntegerBinaryOp { @inline(__always) func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a ^ b } }

struct IntegerBinaryKernel<Op: IntegerBinaryOp>: Kernel {
    let name: String
    let op: Op

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try ElementwiseInputs.tensor(inputs, 0, name)
        let b = try ElementwiseInputs.tensor(inputs, 1, name)
        try ElementwiseInputs.sameType(a, b, name)
        guard let result = try a.visitIntegers(Visit(op: op, aShape: a.shape, b: b)) else {
            throw KernelError("\(name) needs integer inputs, got \(a.dataType)")
        }
        return [.tensor(result)]
    }

    private struct Visit: IntegerVisitor {
        let op: Op
        let aShape: [Int]
        let b: TensorValue

        func visit<T: FixedWidthInteger & TensorElement>(_ x: [T]) throws -> TensorValue {
            guard let y = T.array(of: b.storage) else { throw KernelError("input types differ") }
            let r = try ElementwiseLoop.binary(x, aShape, y, b.shape) { (p: T, q: T) in op.apply(p, q) }
            return TensorValue(shape: r.shape, values: r.values)
        }
    }
}

struct BitNotOp: IntegerUnaryOp {
    func apply(_ x: Float) -> Float { x }
    func apply(_ x: Double) -> Double { x }
    @inline(__always) func apply<T: FixedWidthInteger>(_ x: T) -> T { ~x }
}

enum BitwiseKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("BitShift", [11, 28]) { context in
            let direction = try context.required("direction", context.string)
            switch direction {
            case "LEFT": return IntegerBinaryKernel(name: "BitShift", op: ShiftLeftOp())
            case "RIGHT": return IntegerBinaryKernel(name: "BitShift", op: ShiftRightOp())
            default: throw KernelError("BitShift: direction must be LEFT or RIGHT, got \"\(direction)\"")
            }
        }
        + KernelRegistration.versions("BitwiseAnd", [18]) { _ in IntegerBinaryKernel(name: "BitwiseAnd", op: BitAndOp()) }
        + KernelRegistration.versions("BitwiseOr", [18]) { _ in IntegerBinaryKernel(name: "BitwiseOr", op: BitOrOp()) }
        + KernelRegistration.versions("BitwiseXor", [18]) { _ in IntegerBinaryKernel(name: "BitwiseXor", op: BitXorOp()) }
        + KernelRegistration.versions("BitwiseNot", [18]) { _ in
            ClosureKernel { inputs, _ in
                let x = try ElementwiseInputs.tensor(inputs, 0, "BitwiseNot")
                guard let result = try x.visitIntegers(UnaryCompute.Integers(op: BitNotOp(), shape: x.shape)) else {
                    throw KernelError("BitwiseNot needs an integer input, got \(x.dataType)")
                }
                return [.tensor(result)]
            }
        }
}
