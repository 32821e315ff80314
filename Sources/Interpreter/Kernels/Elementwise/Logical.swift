import ONNX

// And, Or, Xor (1, 7) on bool tensors: 1 broadcasts only with `broadcast=1` (B aligned at `axis`), 7 like
// numpy. Not (1) on bool.

struct LogicalKernel: Kernel {
    let name: String
    let op: @Sendable (Bool, Bool) -> Bool
    let legacy: LegacyBroadcast

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try ElementwiseInputs.tensor(inputs, 0, name)
        let b = try ElementwiseInputs.tensor(inputs, 1, name)
        guard case .bool(let x) = a.storage, case .bool(let y) = b.storage else {
            throw KernelError("\(name) needs bool inputs, got \(a.dataType) and \(b.dataType)")
        }
        let r = try ElementwiseLoop.binary(x, a.shape, y, try legacy.align(a.shape, b.shape), op)
        return [.tensor(TensorValue(shape: r.shape, values: r.values))]
    }
}

enum LogicalKernels {
    static func logical(_ name: String, _ op: @escaping @Sendable (Bool, Bool) -> Bool) -> [KernelRegistration] {
        KernelRegistration.versions(name, [1, 7]) { context in
            LogicalKernel(name: name, op: op, legacy: try LegacyBroadcast(context))
        }
    }

    static let registrations: [KernelRegistration] =
        logical("And") { $0 && $1 }
        + logical("Or") { $0 || $1 }
        + logical("Xor") { $0 != $1 }
        + [KernelRegistration("Not", since: 1) { _ in
            ClosureKernel { inputs, _ in
                let x = try ElementwiseInputs.tensor(inputs, 0, "Not")
                guard case .bool(let v) = x.storage else { throw KernelError("Not needs a bool input, got \(x.dataType)") }
                return [.tensor(TensorValue(shape: x.shape, values: ElementwiseLoop.map(v) { !$0 }))]
            }
        }]
}
