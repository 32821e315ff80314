// InstanceNormalization (1, 6, 22): each (image, channel) plane is normalised over its spatial positions, then
// scaled and shifted per channel. 1 had `consumed_inputs`; 22 adds bfloat16. Same computation throughout.

import ONNX

enum InstanceNormalizationKernels {
    static let registrations = KernelRegistration.versions("InstanceNormalization", [1, 6, 22]) { node in
        InstanceNormalizationKernel(epsilon: try node.float("epsilon", default: 1e-5))
    }
}

struct InstanceNormalizationKernel: Kernel {
    let epsilon: Float

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "InstanceNormalization")
        let x = try args.tensor(0, "input"), scale = try args.tensor(1, "scale"), bias = try args.tensor(2, "B")
        try ComputeSupport.requireFloating(x, "InstanceNormalization")
        guard x.rank >= 2, scale.count == x.shape[1], bias.count == x.shape[1] else {
            throw KernelError("InstanceNormalization: input \(x.shape) needs scale and B of \(x.rank >= 2 ? x.shape[1] : 0) values")
        }
        if x.dataType == .double { return [.tensor(try compute(Double.self, x, scale, bias))] }
        return [.tensor(try compute(Float.self, x, scale, bias))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ scale: TensorValue, _ bias: TensorValue) throws -> TensorValue {
        let n = x.shape[0], c = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        let s = try T.values(of: scale), b = try T.values(of: bias)
        var y = RowNormalization.standardize(try T.values(of: x), rows: n * c, length: inner, epsilon: T(epsilon)).y
        y.withUnsafeMutableBufferPointer { py in
            for plane in 0..<(n * c) {
                let ch = plane % c, base = plane * inner
                for i in 0..<inner { py[base + i] = py[base + i] * s[ch] + b[ch] }
            }
        }
        return T.tensor(x.dataType, shape: x.shape, values: y)
    }
}
