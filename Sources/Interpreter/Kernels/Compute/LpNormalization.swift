// LpNormalization (1, 22): divides X by its Lp norm along the single axis `axis` (default −1), with p 1
// (sum of absolute values) or 2 (Euclidean, the default). 22 only adds bfloat16. A zero norm gives 0
// rather than NaN, as onnx's reference does.

import ONNX

enum LpNormalizationKernels {
    static let registrations = KernelRegistration.versions("LpNormalization", [1, 22]) { node in
        let p = try node.int("p", default: 2)
        guard p == 1 || p == 2 else { throw KernelError("LpNormalization: p must be 1 or 2, got \(p)") }
        return LpNormalizationKernel(axis: try node.int("axis", default: -1), p: p)
    }
}

struct LpNormalizationKernel: Kernel {
    let axis: Int
    let p: Int

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ComputeInputs(inputs, op: "LpNormalization").tensor(0, "input")
        try ComputeSupport.requireFloating(x, "LpNormalization")
        let a = try ComputeSupport.normalizeAxis(axis, rank: x.rank, "LpNormalization")
        let outer = x.shape[..<a].reduce(1, *), length = x.rank == 0 ? 1 : x.shape[a]
        let inner = x.rank == 0 ? 1 : x.shape[(a + 1)...].reduce(1, *)
        if x.dataType == .double {
            return [.tensor(Double.tensor(.double, shape: x.shape, values: normalize(try Double.values(of: x), outer, length, inner)))]
        }
        return [.tensor(Float.tensor(x.dataType, shape: x.shape, values: normalize(try Float.values(of: x), outer, length, inner)))]
    }

    private func normalize<T: ComputeFloat>(_ x: [T], _ outer: Int, _ length: Int, _ inner: Int) -> [T] {
        var y = x
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var norm: T = 0
                for k in 0..<length {
                    let v = x[base + k * inner]
                    norm += p == 1 ? abs(v) : v * v
                }
                if p == 2 { norm = norm.squareRoot() }
                for k in 0..<length { y[base + k * inner] = norm == 0 ? 0 : x[base + k * inner] / norm }
            }
        }
        return y
    }
}
