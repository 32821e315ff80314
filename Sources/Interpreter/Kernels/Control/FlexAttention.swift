import ONNX

/// FlexAttention (ai.onnx.preview 1), PyTorch's flex_attention: attention over rank-4 Q [B, Hq, L, E],
/// K [B, Hkv, S, E], V [B, Hkv, S, Ev] with two optional one-input graphs that customise it:
/// `Y = prob_mod(softmax(score_mod(Q·Kᵀ·scale))) · V`. Query heads share KV heads in consecutive groups
/// (grouped-query attention); `scale` defaults to 1/√E.
///
/// Why the numbers follow the reference step by step: Q and K are each scaled by √scale in the input
/// type, their product is rounded to it, and the softmax runs in `softmax_precision` (float32 for
/// float, float16 and bfloat16 inputs unless given, double for double; the arithmetic itself is float32). The
/// modifier graphs receive the whole score (probability) tensor in that precision, so a causal mask or
/// a relative-position bias written as ONNX ops sees the same values as in the reference.
enum FlexAttentionKernels {
    static let registrations = [KernelRegistration("FlexAttention", domain: "ai.onnx.preview", since: 1) { node in
        FlexAttentionKernel(
            scale: try node.float("scale"),
            softmaxPrecision: try QuantizationKernels.dataType(node.int("softmax_precision", default: 0)),
            scoreMod: node.has("score_mod") ? try node.subgraph("score_mod") : nil,
            probMod: node.has("prob_mod") ? try node.subgraph("prob_mod") : nil)
    }]
}

struct FlexAttentionKernel: Kernel {
    let scale: Float?
    let softmaxPrecision: DataType?
    let scoreMod: GraphPlan?
    let probMod: GraphPlan?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let qt = try ControlArgs.tensor(inputs, 0, "Q"), kt = try ControlArgs.tensor(inputs, 1, "K")
        let vt = try ControlArgs.tensor(inputs, 2, "V")
        guard qt.rank == 4, kt.rank == 4, vt.rank == 4 else {
            throw KernelError("Q, K and V must have rank 4, got \(qt.shape), \(kt.shape), \(vt.shape)")
        }
        let (batch, hq, l, e) = (qt.shape[0], qt.shape[1], qt.shape[2], qt.shape[3])
        let (hkv, s, ev) = (kt.shape[1], kt.shape[2], vt.shape[3])
        guard kt.shape[0] == batch, vt.shape[0] == batch, kt.shape[3] == e, vt.shape[1] == hkv, vt.shape[2] == s else {
            throw KernelError("K \(kt.shape) and V \(vt.shape) do not fit Q \(qt.shape)")
        }
        guard hkv > 0, hq % hkv == 0 else { throw KernelError("\(hq) query heads cannot share \(hkv) KV heads") }
        let inputType = qt.dataType
        let computeType = softmaxPrecision ?? (inputType == .double ? .double : .float)
        let root = QuantizationKernels.round((scale ?? 1 / Float(e).squareRoot()).squareRoot(), to: inputType)
        let q = try ControlArgs.floats(qt, "Q").map { QuantizationKernels.round($0 * root, to: inputType) }
        let k = try ControlArgs.floats(kt, "K").map { QuantizationKernels.round($0 * root, to: inputType) }
        let v = try ControlArgs.floats(vt, "V")
        let scoreShape = [batch, hq, l, s]
        // Q·Kᵀ is l × s per head, whatever e: two thin inputs can ask for a huge score matrix.
        var scores = [Float](repeating: 0, count: try ShapeMath.checkedCount(scoreShape, elementSize: 4, of: "FlexAttention scores"))
        try ShapeMath.checkedCount([batch, hq, l, ev], elementSize: 4, of: "FlexAttention output")
        for bh in 0..<(batch * hq) {
            let kvHead = (bh / hq) * hkv + (bh % hq) / (hq / hkv)
            BLAS.sgemm(transposeB: true, m: l, n: s, k: e, a: q, aOffset: bh * l * e, b: k, bOffset: kvHead * s * e,
                       c: &scores, cOffset: bh * l * s)
        }
        scores = scores.map { QuantizationKernels.round(QuantizationKernels.round($0, to: inputType), to: computeType) }
        if let scoreMod { scores = try modify(scores, shape: scoreShape, with: scoreMod, "score_mod", computeType, context) }
        scores.withUnsafeMutableBufferPointer { rows in
            guard let base = rows.baseAddress else { return }
            for row in 0..<(batch * hq * l) { AttentionKernel.softmax(base + row * s, count: s) }
        }
        scores = scores.map { QuantizationKernels.round($0, to: computeType) }
        if let probMod { scores = try modify(scores, shape: scoreShape, with: probMod, "prob_mod", computeType, context) }
        var y = [Float](repeating: 0, count: batch * hq * l * ev)
        for bh in 0..<(batch * hq) {
            let kvHead = (bh / hq) * hkv + (bh % hq) / (hq / hkv)
            BLAS.sgemm(m: l, n: ev, k: s, a: scores, aOffset: bh * l * s, b: v, bOffset: kvHead * s * ev,
                       c: &y, cOffset: bh * l * ev)
        }
        y = y.map { QuantizationKernels.round($0, to: computeType) }
        return [.tensor(TensorValue(floating: vt.dataType, shape: [batch, hq, l, ev], values: y))]
    }

    /// `values` passed through a modifier graph, which must return a tensor of the same shape.
    private func modify(_ values: [Float], shape: [Int], with plan: GraphPlan, _ name: String, _ type: DataType,
                        _ context: ExecutionContext) throws -> [Float] {
        let input = TensorValue(floating: type, shape: shape, values: values)
        guard let result = try context.run(plan, inputs: [.tensor(input)]).first??.tensor else {
            throw KernelError("\(name) did not produce a tensor")
        }
        guard result.shape == shape else { throw KernelError("\(name) returned shape \(result.shape), expected \(shape)") }
        return try ControlArgs.floats(result, name)
    }
}
