// LayerNormalization (17): normalises over the axes from `axis` (default −1) to the end, then multiplies by
// Scale and adds B (both broadcast to those axes). Optional outputs Mean and InvStdDev have X's shape with
// the normalised axes set to 1, in the stash type (float32; stash_type 1 is the only one defined).

import ONNX

enum LayerNormalizationKernels {
    static let registrations = [KernelRegistration("LayerNormalization", since: 17) { node in
        LayerNormalizationKernel(axis: try node.int("axis", default: -1), epsilon: try node.float("epsilon", default: 1e-5))
    }]
}

struct LayerNormalizationKernel: Kernel {
    let axis: Int
    let epsilon: Float

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "LayerNormalization")
        let x = try args.tensor(0, "X"), scale = try args.tensor(1, "Scale")
        let bias = try args.optionalTensor(2, "B")
        try ComputeSupport.requireFloating(x, "LayerNormalization")
        let a = try ComputeSupport.normalizeAxis(axis, rank: x.rank, "LayerNormalization")
        if x.dataType == .double { return try compute(Double.self, x, scale, bias, axis: a) }
        return try compute(Float.self, x, scale, bias, axis: a)
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ scale: TensorValue, _ bias: TensorValue?,
                                          axis: Int) throws -> [RuntimeValue?] {
        let normShape = Array(x.shape[axis...])
        let rows = x.shape[..<axis].reduce(1, *), length = normShape.reduce(1, *)
        let standardized = RowNormalization.standardize(try T.values(of: x), rows: rows, length: length, epsilon: T(epsilon))
        var y = standardized.y
        let (mean, inv) = (standardized.mean, standardized.invStd)
        let s = try RowNormalization.broadcast(try T.values(of: scale), scale.shape, to: normShape, "LayerNormalization", "Scale")
        let b = try bias.map { try RowNormalization.broadcast(try T.values(of: $0), $0.shape, to: normShape, "LayerNormalization", "B") }
        y.withUnsafeMutableBufferPointer { py in
            for r in 0..<rows {
                let base = r * length
                if let b {
                    for i in 0..<length { py[base + i] = py[base + i] * s[i] + b[i] }
                } else {
                    for i in 0..<length { py[base + i] *= s[i] }
                }
            }
        }
        let statShape = Array(x.shape[..<axis]) + [Int](repeating: 1, count: x.rank - axis)
        return [.tensor(T.tensor(x.dataType, shape: x.shape, values: y)),
                .tensor(TensorValue(shape: statShape, values: mean.map { Float($0) })),
                .tensor(TensorValue(shape: statShape, values: inv.map { Float($0) }))]
    }
}
