import ONNX

// The generic one-input elementwise kernel that UnaryMath.swift and Activations.swift instantiate: an op
// is a small struct (holding its decoded attributes) with a Float and a Double form, and optionally an
// integer form. float16/bfloat16 are computed in Float and rounded back.

protocol UnaryOp: Sendable {
    func apply(_ x: Float) -> Float
    func apply(_ x: Double) -> Double
}

/// A unary op also defined on integers.
protocol IntegerUnaryOp: UnaryOp {
    func apply<T: FixedWidthInteger>(_ x: T) -> T
}

enum UnaryCompute {
    /// `op` over a floating tensor; nil when the tensor is not float, double, float16 or bfloat16.
    static func floating<Op: UnaryOp>(_ op: Op, _ x: TensorValue) -> TensorValue? {
        switch x.storage {
        case .float(let v):
            return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v, InFloat(op: op)))
        case .double(let v):
            return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v, InDouble(op: op)))
        case .half(let v):
            let r = ElementwiseLoop.map(HalfArrays.widen(v, x.dataType), InFloat(op: op))
            return HalfArrays.tensor(x.dataType, x.shape, r)
        default:
            return nil
        }
    }

    struct InFloat<Op: UnaryOp>: UnaryElementFunction {
        let op: Op
        @inline(__always) func callAsFunction(_ x: Float) -> Float { op.apply(x) }
    }

    struct InDouble<Op: UnaryOp>: UnaryElementFunction {
        let op: Op
        @inline(__always) func callAsFunction(_ x: Double) -> Double { op.apply(x) }
    }

    struct Integers<Op: IntegerUnaryOp>: IntegerVisitor {
        let op: Op
        let shape: [Int]

        func visit<T: FixedWidthInteger & TensorElement>(_ values: [T]) throws -> TensorValue {
            TensorValue(shape: shape, values: ElementwiseLoop.map(values) { (e: T) in op.apply(e) })
        }
    }
}

/// A unary op on floating tensors, and on integers when it has an integer form. The computations are
/// closures made where the op's type is concrete, so the loops they run are specialised for it: a kernel
/// generic over the op would run them unspecialised, through value witnesses for every element.
struct UnaryKernel: Kernel {
    let name: String
    let floating: @Sendable (TensorValue) -> TensorValue?
    var integers: (@Sendable (TensorValue) throws -> TensorValue?)? = nil

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ElementwiseInputs.tensor(inputs, 0, name)
        if let result = floating(x) { return [.tensor(result)] }
        if let integers, let result = try integers(x) { return [.tensor(result)] }
        throw KernelError("\(name) does not support \(x.dataType)")
    }
}

extension KernelRegistration {
    /// Registrations of a floating-only unary op whose attributes `make` decodes.
    static func unary<Op: UnaryOp>(_ name: String, _ sinceVersions: [Int],
                                   _ make: @escaping @Sendable (NodeContext) throws -> Op) -> [KernelRegistration] {
        KernelRegistration.versions(name, sinceVersions) { context in
            let op = try make(context)
            return UnaryKernel(name: name, floating: { UnaryCompute.floating(op, $0) })
        }
    }

    /// Registrations of a unary op that also takes integers.
    static func integerUnary<Op: IntegerUnaryOp>(_ name: String, _ sinceVersions: [Int],
                                                 _ make: @escaping @Sendable (NodeContext) throws -> Op) -> [KernelRegistration] {
        KernelRegistration.versions(name, sinceVersions) { context in
            let op = try make(context)
            return UnaryKernel(name: name, floating: { UnaryCompute.floating(op, $0) },
                               integers: { try $0.visitIntegers(UnaryCompute.Integers(op: op, shape: $0.shape)) })
        }
    }
}
