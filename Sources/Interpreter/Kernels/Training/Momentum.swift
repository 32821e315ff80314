// Momentum (ai.onnx.preview.training, 1): one step of SGD with momentum per optimised tensor X with
// gradient G and momentum V. G' = norm_coefficient·X + G; V_new = alpha·V + beta'·G', where beta' is 1 at
// the first step (T = 0) and `beta` after; X_new = X − R·V_new ("standard") or X − R·(G' + alpha·V_new)
// ("nesterov"). alpha, beta, mode and norm_coefficient are required. Outputs: the new Xs, then the new Vs.

import ONNX

enum MomentumKernels {
    static let registrations = [KernelRegistration("Momentum", domain: "ai.onnx.preview.training", since: 1) { node in
        let alpha = Double(try node.required("alpha", node.float)), beta = Double(try node.required("beta", node.float))
        let norm = Double(try node.required("norm_coefficient", node.float))
        let mode = try node.required("mode", node.string)
        guard mode == "standard" || mode == "nesterov" else {
            throw KernelError("Momentum: mode must be standard or nesterov, got '\(mode)'")
        }
        let nesterov = mode == "nesterov"
        return ClosureKernel { inputs, _ in
            try OptimizerSupport.run(inputs, op: "Momentum", slots: 3) { step, s in
                let (x, g, v) = (s[0], s[1], s[2])
                let b = step.count > 0 ? beta : 1
                var newX = x, newV = v
                for j in x.indices {
                    let gr = norm * x[j] + g[j]
                    newV[j] = alpha * v[j] + b * gr
                    newX[j] = x[j] - step.rate * (nesterov ? gr + alpha * newV[j] : newV[j])
                }
                return [newX, newV]
            }
        }
    }]
}
