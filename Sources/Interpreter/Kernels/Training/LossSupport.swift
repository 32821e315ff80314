// Helpers shared by NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (not an op): the decoded
// attributes and the negative log-likelihood of class scores, weighted, with ignored targets and a
// reduction.

import ONNX

/// `reduction` and `ignore_index` of a loss node, decoded once.
struct LossAttributes: Sendable {
    enum Reduction: String, Sendable { case none, sum, mean }

    let op: String
    let reduction: Reduction
    let ignoreIndex: Int64?

    init(_ node: NodeContext, op: String) throws {
        self.op = op
        let name = try node.string("reduction", default: "mean")
        guard let reduction = Reduction(rawValue: name) else {
            throw KernelError("\(op): reduction must be none, sum or mean, got '\(name)'")
        }
        self.reduction = reduction
        ignoreIndex = try node.int("ignore_index").map(Int64.init)
    }
}

enum LossSupport {
    /// The loss tensor (of `logProb`'s type) of log-probabilities against class indices; see below.
    static func negativeLogLikelihood(_ logProb: TensorValue, target: TensorValue, weight: TensorValue?,
                                      _ attributes: LossAttributes) throws -> TensorValue {
        try ComputeSupport.requireFloating(logProb, attributes.op)
        if logProb.dataType == .double { return try loss(Double.self, logProb, target, weight, attributes) }
        return try loss(Float.self, logProb, target, weight, attributes)
    }

    private static func loss<T: ComputeFloat>(_: T.Type, _ logProb: TensorValue, _ target: TensorValue, _ weight: TensorValue?,
                                              _ attributes: LossAttributes) throws -> TensorValue {
        let result = try negativeLogLikelihood(try T.values(of: logProb), shape: logProb.shape, target: target,
                                               weight: try weight.map(T.values(of:)), attributes)
        return T.tensor(logProb.dataType, shape: result.shape, values: result.values)
    }

    /// The loss of scores `x` (N, C, d1…dk) — log-probabilities — against class indices `target`
    /// (N, d1…dk): −x[n, target, d] · weight[target], 0 where the target is `ignore_index`. `mean`
    /// divides the sum by the total weight of the targets not ignored, as the spec says.
    private static func negativeLogLikelihood<T: ComputeFloat>(
        _ x: [T], shape: [Int], target: TensorValue, weight: [T]?, _ attributes: LossAttributes
    ) throws -> (values: [T], shape: [Int]) {
        let op = attributes.op
        guard shape.count >= 2 else { throw KernelError("\(op): input must have rank 2 or more, got shape \(shape)") }
        let classes = shape[1], spatial = shape[2...].reduce(1, *)
        guard target.shape == [shape[0]] + shape[2...], let targets = target.int64s() else {
            throw KernelError("\(op): target must be integers of shape \([shape[0]] + shape[2...]), got \(target.dataType)\(target.shape)")
        }
        if let weight, weight.count != classes {
            throw KernelError("\(op): weight must have \(classes) elements (one per class), got \(weight.count)")
        }
        var losses = [T](repeating: 0, count: targets.count)
        var totalWeight: T = 0
        for (k, t) in targets.enumerated() where t != attributes.ignoreIndex {
            guard t >= 0, t < classes else {
                throw KernelError("\(op): target \(t) is outside the \(classes) classes")
            }
            let w = weight?[Int(t)] ?? 1
            let (n, d) = k.quotientAndRemainder(dividingBy: max(spatial, 1))
            losses[k] = -x[(n * classes + Int(t)) * spatial + d] * w
            totalWeight += w
        }
        switch attributes.reduction {
        case .none: return (losses, target.shape)
        case .sum: return ([losses.reduce(0, +)], [])
        case .mean: return ([losses.reduce(0, +) / totalWeight], [])
        }
    }
}
