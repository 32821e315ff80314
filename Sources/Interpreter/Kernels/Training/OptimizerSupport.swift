// Helper shared by the `ai.onnx.preview.training` optimizers Adagrad, Adam and Momentum (not an op): their
// inputs are the learning rate R and update count T (scalars), then n tensors to optimise followed by n
// tensors of each further slot (gradients, then the optimizer's state). The outputs are slot-major too:
// the n new tensors, then the n new values of each state slot. Each tensor is updated on its own, in
// double precision, and returned in its input's type (float or double).

import ONNX

enum OptimizerSupport {
    /// R and T of one optimizer step.
    struct Step {
        let rate: Double
        let count: Int64
    }

    /// Reads R, T and `slots` groups of tensors (X, G, then the state slots), calls `update` once per
    /// optimised tensor with its slot values, and lays out the outputs: `update` returns the new X
    /// followed by the new value of each state slot (slots 2…).
    static func run(_ inputs: [RuntimeValue?], op: String, slots: Int,
                    _ update: (Step, [[Double]]) -> [[Double]]) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: op)
        let step = try self.step(args, op)
        let n = (inputs.count - 2) / slots
        guard n > 0, inputs.count == 2 + n * slots else {
            throw KernelError("\(op): expected R, T and \(slots) tensors per optimised input, got \(inputs.count) inputs")
        }
        var outputs = [RuntimeValue?](repeating: nil, count: n * (slots - 1))
        for i in 0..<n {
            let tensors = try (0..<slots).map { try args.tensor(2 + $0 * n + i, "input \(2 + $0 * n + i)") }
            guard let x = tensors.first else { continue }
            for t in tensors where t.shape != x.shape || !(t.dataType == .float || t.dataType == .double) {
                throw KernelError("\(op): the tensors of input \(i) must be float or double of shape \(x.shape), got \(t.dataType)\(t.shape)")
            }
            let updated = update(step, try tensors.map(Double.values(of:)))
            // Output slot 0 is the new X (input slot 0); output slot k ≥ 1 is input slot k + 1.
            for (k, values) in updated.enumerated() {
                outputs[k * n + i] = .tensor(Double.tensor(tensors[k == 0 ? 0 : k + 1].dataType, shape: x.shape, values: values))
            }
        }
        return outputs
    }

    private static func step(_ args: ComputeInputs, _ op: String) throws -> Step {
        let r = try args.tensor(0, "R"), t = try args.tensor(1, "T")
        guard r.count == 1, r.dataType == .float || r.dataType == .double, let rate = r.doubles()?.first else {
            throw KernelError("\(op): R must be one float or double, got \(r.dataType)\(r.shape)")
        }
        guard t.count == 1, t.dataType == .int64, let count = t.int64s()?.first else {
            throw KernelError("\(op): T must be one int64, got \(t.dataType)\(t.shape)")
        }
        return Step(rate: rate, count: count)
    }
}
