// BatchNormalization (1, 6, 7, 9, 14, 15): y = scale·(x − mean)/√(var + epsilon) + B per channel (axis 1).
// 1–7 have `spatial` (0 means the statistics have shape C×D… rather than C) and 1/6 `is_test`; 9 drops
// `spatial` (always per channel). 14 adds training_mode: the batch statistics (population variance over all
// axes but 1) normalise x and the outputs running_mean = mean·momentum + batch_mean·(1 − momentum) and
// likewise running_var. 15 lets scale/B and mean/var have their own float types. Inference mode ignores
// extra outputs.

import ONNX

enum BatchNormalizationKernels {
    static let registrations = KernelRegistration.versions("BatchNormalization", [1, 6, 7, 9, 14, 15]) { node in
        let trainingMode = try node.int("training_mode", default: 0)
        return BatchNormalizationKernel(
            epsilon: try node.float("epsilon", default: 1e-5),
            momentum: try node.float("momentum", default: 0.9),
            training: node.opset >= 14 && trainingMode != 0)
    }
}

struct BatchNormalizationKernel: Kernel {
    let epsilon: Float
    let momentum: Float
    let training: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "BatchNormalization")
        let x = try args.tensor(0, "X")
        let stats = [try args.tensor(1, "scale"), try args.tensor(2, "B"), try args.tensor(3, "input_mean"),
                     try args.tensor(4, "input_var")]
        try ComputeSupport.requireFloating(x, "BatchNormalization")
        guard x.rank >= 2 else { throw KernelError("BatchNormalization: X must have rank ≥ 2, got \(x.shape)") }
        if x.dataType == .double { return try compute(Double.self, x, stats) }
        return try compute(Float.self, x, stats)
    }

    private func compute<T: ComputeFloat>(_: T.Type, _ x: TensorValue, _ stats: [TensorValue]) throws -> [RuntimeValue?] {
        let xv = try T.values(of: x)
        let n = x.shape[0], c = x.shape[1]
        let inner = x.shape.dropFirst(2).reduce(1, *)
        let scale = try T.values(of: stats[0]), bias = try T.values(of: stats[1])
        var mean = try T.values(of: stats[2]), variance = try T.values(of: stats[3])
        // Per-channel statistics, or (spatial = 0 in old versions) one per channel and position.
        let perElement = scale.count == c * inner && inner > 1
        let statCount = perElement ? c * inner : c
        for (name, v) in [("scale", scale), ("B", bias), ("mean", mean), ("var", variance)] where v.count != statCount {
            throw KernelError("BatchNormalization: \(name) has \(v.count) values, expected \(statCount)")
        }
        var outputs: [RuntimeValue?] = []
        if training {
            guard !perElement else { throw KernelError("BatchNormalization: training mode needs per-channel statistics") }
            var batchMean = [T](repeating: 0, count: c), batchVar = [T](repeating: 0, count: c)
            let count = T(n * inner)
            for ch in 0..<c {
                var sum: T = 0
                for image in 0..<n { let base = (image * c + ch) * inner; for i in 0..<inner { sum += xv[base + i] } }
                let mu = sum / count
                var sq: T = 0
                for image in 0..<n {
                    let base = (image * c + ch) * inner
                    for i in 0..<inner { let d = xv[base + i] - mu; sq += d * d }
                }
                batchMean[ch] = mu
                batchVar[ch] = sq / count
            }
            let mom = T(momentum)
            let runningMean = (0..<c).map { mean[$0] * mom + batchMean[$0] * (1 - mom) }
            let runningVar = (0..<c).map { variance[$0] * mom + batchVar[$0] * (1 - mom) }
            mean = batchMean
            variance = batchVar
            outputs = [.tensor(T.tensor(stats[2].dataType, shape: stats[2].shape, values: runningMean)),
                       .tensor(T.tensor(stats[3].dataType, shape: stats[3].shape, values: runningVar))]
        }
        let eps = T(epsilon)
        let a = (0..<statCount).map { scale[$0] / (variance[$0] + eps).squareRoot() }
        let b = (0..<statCount).map { bias[$0] - mean[$0] * a[$0] }
        var y = [T](repeating: 0, count: xv.count)
        xv.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                for image in 0..<n {
                    for ch in 0..<c {
                        let base = (image * c + ch) * inner
                        if perElement {
                            for i in 0..<inner { py[base + i] = px[base + i] * a[ch * inner + i] + b[ch * inner + i] }
                        } else {
                            let s = a[ch], t = b[ch]
                            for i in 0..<inner { py[base + i] = px[base + i] * s + t }
                        }
                    }
                }
            }
        }
        return [.tensor(T.tensor(x.dataType, shape: x.shape, values: y))] + outputs
    }
}
