import ONNX

/// Binarizer (ai.onnx.ml 1): `Y = X > threshold ? 1 : 0` elementwise, in X's type (float, double, int32,
/// int64). NaN is not above any threshold and gives 0.
enum BinarizerKernels {
    static let registrations = [KernelRegistration("Binarizer", domain: MLFamily.domain, since: 1) { node in
        BinarizerKernel(threshold: Double(try node.float("threshold", default: 0)))
    }]
}

struct BinarizerKernel: Kernel {
    let threshold: Double

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "X")
        guard [.float, .double, .int32, .int64].contains(x.dataType), let values = x.doubles() else {
            throw KernelError("X must be float, double, int32 or int64, got \(x.dataType)")
        }
        let above = TensorValue(shape: x.shape, values: values.map { $0 > threshold })
        return [.tensor(try CastConversion.cast(above, to: x.dataType, saturate: true, roundMode: "up"))]
    }
}
