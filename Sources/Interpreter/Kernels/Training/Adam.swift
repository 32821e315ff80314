// Adam (ai.onnx.preview.training, 1): one Adam step per optimised tensor X with gradient G, averaged
// gradient V and averaged squared gradient H. G' = norm_coefficient·X + G; V_new = alpha·V + (1−alpha)·G';
// H_new = beta·H + (1−beta)·G'²; the rate is bias-corrected, R·√(1−beta^T)/(1−alpha^T), once T > 0;
// X_new = (1 − norm_coefficient_post)·(X − rate·V_new/(√H_new + epsilon)). Outputs: new Xs, Vs, Hs.

import Foundation
import ONNX

enum AdamKernels {
    static let registrations = [KernelRegistration("Adam", domain: "ai.onnx.preview.training", since: 1) { node in
        let alpha = Double(try node.float("alpha", default: 0.9)), beta = Double(try node.float("beta", default: 0.999))
        let epsilon = Double(try node.float("epsilon", default: 1e-6))
        let norm = Double(try node.float("norm_coefficient", default: 0))
        let post = Double(try node.float("norm_coefficient_post", default: 0))
        return ClosureKernel { inputs, _ in
            try OptimizerSupport.run(inputs, op: "Adam", slots: 4) { step, s in
                let (x, g, v, h) = (s[0], s[1], s[2], s[3])
                let t = Double(step.count)
                let rate = step.count > 0 ? step.rate * (1 - pow(beta, t)).squareRoot() / (1 - pow(alpha, t)) : step.rate
                var newX = x, newV = v, newH = h
                for j in x.indices {
                    let gr = norm * x[j] + g[j]
                    newV[j] = alpha * v[j] + (1 - alpha) * gr
                    newH[j] = beta * h[j] + (1 - beta) * gr * gr
                    newX[j] = (1 - post) * (x[j] - rate * newV[j] / (newH[j].squareRoot() + epsilon))
                }
                return [newX, newV, newH]
            }
        }
    }]
}
