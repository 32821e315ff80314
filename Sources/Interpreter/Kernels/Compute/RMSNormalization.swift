// RMSNormalization (23): divides X by the root mean square over the axes from `axis` (default −1) to the
// end (plus epsilon under the root), then multiplies by Scale, which broadcasts unidirectionally to X.
// Unlike LayerNormalization the mean is not subtracted and there is no bias or statistics outputs.
// stash_type 1 (float32) is the only precision defined; double inputs are computed in double.

import ONNX

enum RMSNormalizationKernels {
    static let registrations = [KernelRegistration("RMSNormalization", since: 23) { node in
        let stash = try node.int("stash_type", default: 1)
        guard stash == 1 else { throw KernelError("RMSNormalization: stash_type \(stash) is not supported (only 1)") }
        return RMSNormalizationKernel(axis: try node.int("axis", default: -1), epsilon: try node.float("epsilon", default: 1e-5))
    }]
}

struct RMSNormalizationKernel: Kernel {
    let axis: Int
    let epsilon: Float

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "RMSNormalization")
        let x = try args.tensor(0, "X"), scale = try args.tensor(1, "scale")
        try ComputeSupport.requireFloating(x, "RMSNormalization")
        let a = try ComputeSupport.normalizeAxis(axis, rank: x.rank, "RMSNormalization")
        if x.dataType == .double { return [.tensor(try compute(Double.self, x, scale, axis: a))] }
        return [.tensor(try compute(Float.self, x, scale, axis: a))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ scale: TensorValue, axis: Int) throws -> TensorValue {
        let length = x.shape[axis...].reduce(1, *)
        let rows = length == 0 ? 0 : x.count / length
        let s = try RowNormalization.broadcast(try T.values(of: scale), scale.shape, to: x.shape, "RMSNormalization", "scale")
        var y = try T.values(of: x)
        y.withUnsafeMutableBufferPointer { py in
            for r in 0..<rows {
                let row = r * length
                var squares: T = 0
                for i in row..<(row + length) { squares += py[i] * py[i] }
                let inv = 1 / (squares / T(length) + T(epsilon)).squareRoot()
                for i in row..<(row + length) { py[i] = py[i] * inv * s[i] }
            }
        }
        return T.tensor(x.dataType, shape: x.shape, values: y)
    }
}
