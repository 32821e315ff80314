import ONNX

/// Shared helpers of the Text kernels (not an op): string inputs.
enum TextArgs {
    /// Input `index` as a string tensor and its elements; absent or of another type is an error naming `name`.
    static func strings(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> (tensor: TensorValue, values: [String]) {
        let tensor = try ControlArgs.tensor(inputs, index, name)
        guard let values = tensor.values(String.self) else {
            throw KernelError("input '\(name)' must be a string tensor, got \(tensor.dataType)")
        }
        return (tensor, values)
    }
}
