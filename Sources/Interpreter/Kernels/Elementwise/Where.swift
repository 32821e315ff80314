import ONNX

// Where (9, 16): condition ? X : Y elementwise, the three broadcast together. 16 adds bfloat16; every
// element type is handled the same (float8 types by their bytes; packed 4-bit and 2-bit types are not).

struct WhereKernel: Kernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let c = try ElementwiseInputs.tensor(inputs, 0, "Where")
        let x = try ElementwiseInputs.tensor(inputs, 1, "Where")
        let y = try ElementwiseInputs.tensor(inputs, 2, "Where")
        guard case .bool(let cond) = c.storage else { throw KernelError("Where: condition must be bool, got \(c.dataType)") }
        try ElementwiseInputs.sameType(x, y, "Where")
        func pick<T>(_ a: [T], _ b: [T]) throws -> ([T], [Int]) {
            try ElementwiseLoop.ternary(cond, c.shape, a, x.shape, b, y.shape) { $0 ? $1 : $2 }
        }
        let storage: TensorStorage
        let shape: [Int]
        switch (x.storage, y.storage) {
        case (.float(let a), .float(let b)): let r = try pick(a, b); storage = .float(r.0); shape = r.1
        case (.double(let a), .double(let b)): let r = try pick(a, b); storage = .double(r.0); shape = r.1
        case (.half(let a), .half(let b)): let r = try pick(a, b); storage = .half(r.0); shape = r.1
        case (.int8(let a), .int8(let b)): let r = try pick(a, b); storage = .int8(r.0); shape = r.1
        case (.int16(let a), .int16(let b)): let r = try pick(a, b); storage = .int16(r.0); shape = r.1
        case (.int32(let a), .int32(let b)): let r = try pick(a, b); storage = .int32(r.0); shape = r.1
        case (.int64(let a), .int64(let b)): let r = try pick(a, b); storage = .int64(r.0); shape = r.1
        case (.uint8(let a), .uint8(let b)): let r = try pick(a, b); storage = .uint8(r.0); shape = r.1
        case (.uint16(let a), .uint16(let b)): let r = try pick(a, b); storage = .uint16(r.0); shape = r.1
        case (.uint32(let a), .uint32(let b)): let r = try pick(a, b); storage = .uint32(r.0); shape = r.1
        case (.uint64(let a), .uint64(let b)): let r = try pick(a, b); storage = .uint64(r.0); shape = r.1
        case (.bool(let a), .bool(let b)): let r = try pick(a, b); storage = .bool(r.0); shape = r.1
        case (.string(let a), .string(let b)): let r = try pick(a, b); storage = .string(r.0); shape = r.1
        case (.bytes(let a), .bytes(let b)) where x.dataType.bitWidth == 8:
            let r = try pick(a, b); storage = .bytes(r.0); shape = r.1
        default:
            throw KernelError("Where does not support \(x.dataType)")
        }
        return [.tensor(TensorValue(dataType: x.dataType, shape: shape, storage: storage))]
    }
}

enum WhereKernels {
    static let registrations = KernelRegistration.versions("Where", [9, 16]) { _ in WhereKernel() }
}
