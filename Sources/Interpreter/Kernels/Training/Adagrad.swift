// Adagrad (ai.onnx.preview.training, 1): one ADAGRAD step per optimised tensor X with gradient G and
// accumulated squared gradient H. r = R / (1 + T·decay_factor); G' = norm_coefficient·X + G;
// H_new = H + G'²; X_new = X − r·G' / (√H_new + epsilon). Outputs: the new Xs, then the new Hs.

import Foundation
import ONNX

enum AdagradKernels {
    static let registrations = [KernelRegistration("Adagrad", domain: "ai.onnx.preview.training", since: 1) { node in
        let decay = Double(try node.float("decay_factor", default: 0))
        let epsilon = Double(try node.float("epsilon", default: 1e-6))
        let norm = Double(try node.float("norm_coefficient", default: 0))
        return ClosureKernel { inputs, _ in
            try OptimizerSupport.run(inputs, op: "Adagrad", slots: 3) { step, s in
                let (x, g, h) = (s[0], s[1], s[2])
                let r = step.rate / (1 + Double(step.count) * decay)
                var newX = x, newH = h
                for j in x.indices {
                    let gr = norm * x[j] + g[j]
                    newH[j] = h[j] + gr * gr
                    newX[j] = x[j] - r * gr / (newH[j].squareRoot() + epsilon)
                }
                return [newX, newH]
            }
        }
    }]
}
