import ONNX

/// ArrayFeatureExtractor (ai.onnx.ml 1): selects the columns `Y` (int64 indices, any shape, flattened)
/// of X along its last axis. The result is X's shape with the last dimension replaced by the number of
/// indices; a 1-D X gives one row [1, n], as onnxruntime does. Indices must lie in [0, last dimension).
enum ArrayFeatureExtractorKernels {
    static let registrations = [KernelRegistration("ArrayFeatureExtractor", domain: MLFamily.domain, since: 1) { _ in
        ArrayFeatureExtractorKernel()
    }]
}

struct ArrayFeatureExtractorKernel: Kernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "X")
        let columns = try ControlArgs.ints(try ControlArgs.tensor(inputs, 1, "Y"), "Y")
        guard let width = x.shape.last else { throw KernelError("X must have rank ≥ 1, got a scalar") }
        if let bad = columns.first(where: { $0 < 0 || $0 >= width }) {
            throw KernelError("index \(bad) is outside X's last dimension \(width)")
        }
        let rows = x.count / max(width, 1)
        let sources = (0..<rows).flatMap { r in columns.map { r * width + $0 } }
        let shape = x.rank == 1 ? [1, columns.count] : Array(x.shape.dropLast()) + [columns.count]
        return [.tensor(ElementMoves.gather(x, indices: sources, shape: shape))]
    }
}
