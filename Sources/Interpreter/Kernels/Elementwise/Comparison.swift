import ONNX

// Equal (1, 7, 11, 13, 19), Less, Greater (1, 7, 9, 13), LessOrEqual, GreaterOrEqual (12, 16); the result
// is bool. Version 1 broadcasts only with `broadcast=1` (B aligned at `axis`), 7 on like numpy; the later
// versions add types (Equal 19: strings), all handled here: every real numeric type, bool (Equal) and
// string. NaN compares unequal and unordered, as in IEEE.

protocol ComparisonOp: Sendable {
    func apply<T: Comparable>(_ a: T, _ b: T) -> Bool
}

struct EqualOp: ComparisonOp { @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a == b } }
struct LessOp: ComparisonOp { @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b } }
struct GreaterOp: ComparisonOp { @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b } }
struct LessOrEqualOp: ComparisonOp { @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a <= b } }
struct GreaterOrEqualOp: ComparisonOp { @inline(__always) func apply<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b } }

struct ComparisonKernel<Op: ComparisonOp>: Kernel {
    let name: String
    let op: Op
    let legacy: LegacyBroadcast

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try ElementwiseInputs.tensor(inputs, 0, name)
        let b = try ElementwiseInputs.tensor(inputs, 1, name)
        try ElementwiseInputs.sameType(a, b, name)
        let bShape = try legacy.align(a.shape, b.shape)
        switch (a.storage, b.storage) {
        case (.half(let x), .half(let y)):
            let r = try ElementwiseLoop.binary(HalfArrays.widen(x, a.dataType), a.shape, HalfArrays.widen(y, b.dataType), bShape) {
                (p: Float, q: Float) in op.apply(p, q)
            }
            return [.tensor(TensorValue(shape: r.shape, values: r.values))]
        case (.bool(let x), .bool(let y)):
            let r = try ElementwiseLoop.binary(x, a.shape, y, bShape) { (p: Bool, q: Bool) in
                op.apply(p ? 1 as UInt8 : 0, q ? 1 : 0)
            }
            return [.tensor(TensorValue(shape: r.shape, values: r.values))]
        default:
            guard let result = try a.visitComparables(Compare(op: op, aShape: a.shape, b: b, bShape: bShape)) else {
                throw KernelError("\(name) does not support \(a.dataType)")
            }
            return [.tensor(result)]
        }
    }

    private struct Compare: ComparableVisitor {
        let op: Op
        let aShape: [Int]
        let b: TensorValue
        let bShape: [Int]

        func visit<T: Comparable & TensorElement>(_ x: [T]) throws -> TensorValue {
            guard let y = T.array(of: b.storage) else { throw KernelError("input types differ") }
            let r = try ElementwiseLoop.binary(x, aShape, y, bShape) { (p: T, q: T) in op.apply(p, q) }
            return TensorValue(shape: r.shape, values: r.values)
        }
    }
}

enum ComparisonKernels {
    static func comparison<Op: ComparisonOp>(_ name: String, _ versions: [Int], _ op: Op) -> [KernelRegistration] {
        KernelRegistration.versions(name, versions) { context in
            ComparisonKernel(name: name, op: op, legacy: try LegacyBroadcast(context))
        }
    }

    static let registrations: [KernelRegistration] =
        comparison("Equal", [1, 7, 11, 13, 19], EqualOp())
        + comparison("Less", [1, 7, 9, 13], LessOp())
        + comparison("Greater", [1, 7, 9, 13], GreaterOp())
        + comparison("LessOrEqual", [12, 16], LessOrEqualOp())
        + comparison("GreaterOrEqual", [12, 16], GreaterOrEqualOp())
}
