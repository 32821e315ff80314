// GroupNormalization (18, 21): channels are split into num_groups groups; each (image, group) is normalised
// over its channels and spatial positions, then scaled and shifted. 18: scale and bias have one value per
// group; 21: one per channel (and a stash_type, float32 being the only one used here).

import ONNX

enum GroupNormalizationKernels {
    static let registrations = KernelRegistration.versions("GroupNormalization", [18, 21]) { node in
        GroupNormalizationKernel(groups: try node.required("num_groups", node.int),
                                 epsilon: try node.float("epsilon", default: 1e-5),
                                 perChannelAffine: node.opset >= 21)
    }
}

struct GroupNormalizationKernel: Kernel {
    let groups: Int
    let epsilon: Float
    let perChannelAffine: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "GroupNormalization")
        let x = try args.tensor(0, "X"), scale = try args.tensor(1, "scale"), bias = try args.tensor(2, "bias")
        try ComputeSupport.requireFloating(x, "GroupNormalization")
        guard x.rank >= 2, groups > 0, x.shape[1] % groups == 0 else {
            throw KernelError("GroupNormalization: X of shape \(x.shape) cannot be split into \(groups) groups")
        }
        if x.dataType == .double { return [.tensor(try compute(Double.self, x, scale, bias))] }
        return [.tensor(try compute(Float.self, x, scale, bias))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ scale: TensorValue, _ bias: TensorValue) throws -> TensorValue {
        let n = x.shape[0], c = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        let s = try T.values(of: scale), b = try T.values(of: bias)
        let expected = perChannelAffine ? c : groups
        guard s.count == expected, b.count == expected else {
            throw KernelError("GroupNormalization: scale and bias need \(expected) values, got \(s.count) and \(b.count)")
        }
        var y = RowNormalization.standardize(try T.values(of: x), rows: n * groups, length: c / groups * inner,
                                             epsilon: T(epsilon)).y
        let perGroup = c / groups
        y.withUnsafeMutableBufferPointer { py in
            for image in 0..<n {
                for ch in 0..<c {
                    let k = perChannelAffine ? ch : ch / perGroup
                    let base = (image * c + ch) * inner
                    for i in 0..<inner { py[base + i] = py[base + i] * s[k] + b[k] }
                }
            }
        }
        return T.tensor(x.dataType, shape: x.shape, values: y)
    }
}
