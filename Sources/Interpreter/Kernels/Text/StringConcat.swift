import ONNX

/// StringConcat (20): elementwise `X + Y` of two string tensors, broadcast as numpy does.
enum StringConcatKernels {
    static let registrations = [KernelRegistration("StringConcat", since: 20) { _ in StringConcatKernel() }]
}

struct StringConcatKernel: Kernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try TextArgs.strings(inputs, 0, "X"), y = try TextArgs.strings(inputs, 1, "Y")
        let joined = try Broadcast.binary(x.values, x.tensor.shape, y.values, y.tensor.shape) { $0 + $1 }
        return [.tensor(TensorValue(shape: joined.shape, values: joined.values))]
    }
}
