// GlobalAveragePool (1, 22), GlobalMaxPool (1, 22): mean or max over all spatial axes of N×C×D…, giving
// N×C×1×…×1. The versions differ only in element types (22 adds bfloat16).

import ONNX

enum GlobalPoolKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("GlobalAveragePool", [1, 22]) { _ in GlobalPoolKernel(isMax: false) }
        + KernelRegistration.versions("GlobalMaxPool", [1, 22]) { _ in GlobalPoolKernel(isMax: true) }
}

struct GlobalPoolKernel: Kernel {
    let isMax: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let name = isMax ? "GlobalMaxPool" : "GlobalAveragePool"
        let x = try ComputeInputs(inputs, op: name).tensor(0, "X")
        try ComputeSupport.requireFloating(x, name)
        guard x.rank >= 2 else { throw KernelError("\(name): X must be N×C×D1…, got \(x.shape)") }
        let shape = Array(x.shape[0..<2]) + [Int](repeating: 1, count: x.rank - 2)
        if x.dataType == .double {
            return [.tensor(Double.tensor(.double, shape: shape, values: try compute(Double.self, x)))]
        }
        return [.tensor(Float.tensor(x.dataType, shape: shape, values: try compute(Float.self, x)))]
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue) throws -> [T] {
        let v = try T.values(of: x)
        let planes = x.shape[0] * x.shape[1]
        let size = x.shape.dropFirst(2).reduce(1, *)
        return v.withUnsafeBufferPointer { p in
            (0..<planes).map { plane in
                let base = plane * size
                if isMax {
                    guard size > 0 else { return -T.infinity }
                    var best = p[base]
                    for i in 1..<max(size, 1) where p[base + i] > best { best = p[base + i] }
                    return best
                }
                var sum: T = 0
                for i in 0..<size { sum += p[base + i] }
                return sum / T(size)
            }
        }
    }
}
