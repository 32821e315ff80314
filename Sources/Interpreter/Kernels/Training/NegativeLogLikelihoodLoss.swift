// NegativeLogLikelihoodLoss (12, 13, 22): the loss of log-probabilities (N, C, d1…dk) against class
// indices (N, d1…dk), optionally weighted per class, skipping `ignore_index`, reduced by `reduction`
// (none, sum, or mean — the default — over the weights of the targets kept). 13 and 22 only widen the
// types (bfloat16, then float8 for the schema; computed in float32 here, double in double).

import ONNX

enum NegativeLogLikelihoodLossKernels {
    static let registrations = KernelRegistration.versions("NegativeLogLikelihoodLoss", [12, 13, 22]) { node in
        NegativeLogLikelihoodLossKernel(attributes: try LossAttributes(node, op: "NegativeLogLikelihoodLoss"))
    }
}

struct NegativeLogLikelihoodLossKernel: Kernel {
    let attributes: LossAttributes

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: attributes.op)
        let x = try args.tensor(0, "input"), target = try args.tensor(1, "target")
        let weight = try args.optionalTensor(2, "weight")
        return [.tensor(try LossSupport.negativeLogLikelihood(x, target: target, weight: weight, attributes))]
    }
}
