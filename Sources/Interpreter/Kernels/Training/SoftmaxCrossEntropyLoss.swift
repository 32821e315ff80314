// SoftmaxCrossEntropyLoss (12, 13): LogSoftmax of the scores (N, C, d1…dk) over the class axis 1, then
// the negative log-likelihood loss against the class indices (weights, `ignore_index` and `reduction`
// as NegativeLogLikelihoodLoss). The optional second output is the log-probabilities. 13 only adds
// bfloat16. The log-softmax is the Compute family's Softmax kernel, reused.

import ONNX

enum SoftmaxCrossEntropyLossKernels {
    static let registrations = KernelRegistration.versions("SoftmaxCrossEntropyLoss", [12, 13]) { node in
        SoftmaxCrossEntropyLossKernel(attributes: try LossAttributes(node, op: "SoftmaxCrossEntropyLoss"))
    }
}

struct SoftmaxCrossEntropyLossKernel: Kernel {
    let attributes: LossAttributes

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: attributes.op)
        let x = try args.tensor(0, "scores"), target = try args.tensor(1, "labels")
        let weight = try args.optionalTensor(2, "weights")
        try ComputeSupport.requireFloating(x, attributes.op)
        guard x.rank >= 2 else { throw KernelError("\(attributes.op): scores must have rank 2 or more, got shape \(x.shape)") }
        let logSoftmax = SoftmaxKernel(name: attributes.op, kind: .logSoftmax, axis: 1, singleAxis: true)
        guard let logProb = try logSoftmax.run([.tensor(x)], context: context).first??.tensor else {
            throw KernelError("\(attributes.op): log-softmax produced no tensor")
        }
        let loss = try LossSupport.negativeLogLikelihood(logProb, target: target, weight: weight, attributes)
        return [.tensor(loss), .tensor(logProb)]
    }
}
