// LRN (1, 13): local response normalisation across channels:
// y = x / (bias + alpha/size · Σ x²)^beta, the sum over channels c − ⌊(size−1)/2⌋ … c + ⌈(size−1)/2⌉.
// 13 adds bfloat16; same semantics.

import ONNX

enum LRNKernels {
    static let registrations = KernelRegistration.versions("LRN", [1, 13]) { node in
        LRNKernel(size: try node.required("size", node.int), alpha: try node.float("alpha", default: 1e-4),
                  beta: try node.float("beta", default: 0.75), bias: try node.float("bias", default: 1))
    }
}

struct LRNKernel: Kernel {
    let size: Int
    let alpha: Float, beta: Float, bias: Float

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ComputeInputs(inputs, op: "LRN").tensor(0, "X")
        try ComputeSupport.requireFloating(x, "LRN")
        guard x.rank >= 2, size >= 1 else { throw KernelError("LRN: X must be N×C×…, got \(x.shape), size \(size)") }
        if x.dataType == .double { return [.tensor(try compute(Double.self, x))] }
        return [.tensor(try compute(Float.self, x))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue) throws -> TensorValue {
        let v = try T.values(of: x)
        let n = x.shape[0], c = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        let before = (size - 1) / 2, after = size - 1 - before
        let scale = T(alpha) / T(size), b = T(bias), e = T(beta)
        var y = [T](repeating: 0, count: v.count)
        for image in 0..<n {
            for ch in 0..<c {
                let lo = max(0, ch - before), hi = min(c - 1, ch + after)
                for i in 0..<inner {
                    var sum: T = 0
                    for k in lo...hi { let t = v[(image * c + k) * inner + i]; sum += t * t }
                    let at = (image * c + ch) * inner + i
                    y[at] = v[at] / T.pow(b + scale * sum, e)
                }
            }
        }
        return T.tensor(x.dataType, shape: x.shape, values: y)
    }
}
