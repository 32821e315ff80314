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
            return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { (e: Float) in op.apply(e) })
        case .double(let v):
            return TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { (e: Double) in op.apply(e) })
        case .half(let v):
            let r = ElementwiseLoop.map(HalfArrays.widen(v, x.dataType)) { (e: Float) in op.apply(e) }
            return HalfArrays.tensor(x.dataType, x.shape, r)
        default:
            return nil
        }
    }

    struct Integers<Op: IntegerUnaryOp>: IntegerVisitor {
        let op: Op
        let shape: [Int]

        func visit<T: FixedWidthInteger & TensorElement>(_ values: [T]) throws -> TensorValue {
            TensorValue(shape: shape, values: ElementwiseLoop.map(values) { (e: T) in op.apply(e) })
        }
    }
}

/// A unary op on floating tensors.
struct UnaryKernel<Op: UnaryOp>: Kernel {
    let name: String
    let op: Op

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ElementwiseInputs.tensor(inputs, 0, name)
        guard let result = UnaryCompute.floating(op, x) else {
            throw KernelError("\(name) does not support \(x.dataType)")
        }
        return [.tensor(result)]
    }
}

/// A unary op on floating and integer tensors.
struct IntegerUnaryKernel<Op: IntegerUnaryOp>: Kernel {
    let name: String
    let op: Op

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ElementwiseInputs.tensor(inputs, 0, name)
        if let result = UnaryCompute.floating(op, x) { return [.tensor(result)] }
        if let result = try x.visitIntegers(UnaryCompute.Integers(op: op, shape: x.shape)) { return [.tensor(result)] }
        throw KernelError("\(name) does not support \(x.dataType)")
    }
}

extension KernelRegistration {
    /// Registrations of a floating-only unary op whose attributes `make` decodes.
    static func unary<Op: UnaryOp>(_ name: String, _ sinceVersions: [Int],
                                   _ make: @escaping @Sendable (NodeContext) throws -> Op) -> [KernelRegistration] {
        KernelRegistration.versions(name, sinceVersions) { context in UnaryKernel(name: name, op: try make(context)) }
    }

    /// Registrations of a unary op that also takes integers.
    static func integerUnary<Op: IntegerUnaryOp>(_ name: String, _ sinceVersions: [Int],
                                                 _ make: @escaping @Sendable (NodeContext) throws -> Op) -> [KernelRegistration] {
        KernelRegistration.versions(name, sinceVersions) { context in IntegerUnaryKernel(name: name, op: try make(context)) }
    }
}
