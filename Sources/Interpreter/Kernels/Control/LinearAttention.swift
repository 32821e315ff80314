import Foundation
import ONNX

/// LinearAttention (27): the recurrent form of linear attention (RetNet, Mamba-2, GatedDeltaNet). Q, K, V
/// are [batch, time, heads·size]; a state S [batch, kv_heads, d_k, d_v] (`past_state`, zeros when left
/// out) is updated once per time step and read by every query head of its group:
/// - `gated`/`gated_delta`: S ← S · exp(decay_t) (decay per head or per key dimension);
/// - `delta`/`gated_delta`: v_t ← beta_t · (v_t − Sᵀk_t) (beta per head, or one for all heads);
/// - always S ← S + k_t ⊗ v_t, and o_t = scale · qᵀS (scale 1/√d_k when absent or 0).
/// `update_rule` (default gated_delta) decides which of decay/beta must be given; giving another is an
/// error, as in the reference. `chunk_size` is a tuning hint with no effect on the result. The state is
/// kept in float32 and returned in past_state's type (the query's when there is none).
///
/// Why the loops go through BLAS: the query heads sharing a KV head are contiguous rows of Q, so each
/// read is one small gemm per group, as are the retrieval and the rank-1 update.
enum LinearAttentionKernels {
    static let registrations = [KernelRegistration("LinearAttention", since: 27) { node in
        let rule = try node.string("update_rule", default: "gated_delta")
        guard ["linear", "gated", "delta", "gated_delta"].contains(rule) else {
            throw KernelError("update_rule '\(rule)' is not linear, gated, delta or gated_delta")
        }
        let qHeads = try node.required("q_num_heads", node.int), kvHeads = try node.required("kv_num_heads", node.int)
        guard qHeads > 0, kvHeads > 0, qHeads % kvHeads == 0 else {
            throw KernelError("q_num_heads \(qHeads) must be a positive multiple of kv_num_heads \(kvHeads)")
        }
        return LinearAttentionKernel(gated: rule.hasPrefix("gated"), delta: rule.hasSuffix("delta"),
                                     qHeads: qHeads, kvHeads: kvHeads, scale: try node.float("scale"))
    }]
}

struct LinearAttentionKernel: Kernel {
    let gated: Bool
    let delta: Bool
    let qHeads: Int
    let kvHeads: Int
    let scale: Float?

    /// Sizes of one call: batch, time, key and value head sizes.
    private struct Dims {
        let batch: Int, time: Int, dk: Int, dv: Int
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let query = try ControlArgs.tensor(inputs, 0, "query")
        let key = try ControlArgs.tensor(inputs, 1, "key")
        let value = try ControlArgs.tensor(inputs, 2, "value")
        let past = try ControlArgs.optionalTensor(inputs, 3, "past_state")
        let decay = try ControlArgs.optionalTensor(inputs, 4, "decay")
        let beta = try ControlArgs.optionalTensor(inputs, 5, "beta")
        let dims = try checkShapes(query, key, value)
        if gated != (decay != nil) { throw KernelError(gated ? "this update_rule needs input 'decay'" : "this update_rule takes no 'decay'") }
        if delta != (beta != nil) { throw KernelError(delta ? "this update_rule needs input 'beta'" : "this update_rule takes no 'beta'") }
        let decayWidth = try decay.map { try width(of: $0, "decay", dims, allowed: [kvHeads, kvHeads * dims.dk]) }
        let betaWidth = try beta.map { try width(of: $0, "beta", dims, allowed: [kvHeads, 1]) }
        let stateShape = [dims.batch, kvHeads, dims.dk, dims.dv]
        // dk and dv come from different inputs, which can be empty: their product can still be huge.
        try ShapeMath.checkedCount(stateShape, elementSize: MemoryLayout<Float>.stride, of: "LinearAttention state")
        if let past, past.shape != stateShape { throw KernelError("past_state must have shape \(stateShape), got \(past.shape)") }
        var state = try past.map { try ControlArgs.floats($0, "past_state") }
            ?? [Float](repeating: 0, count: try ShapeMath.checkedCount(stateShape))
        let output = recur(q: try ControlArgs.floats(query, "query"), k: try ControlArgs.floats(key, "key"),
                           v: try ControlArgs.floats(value, "value"),
                           decay: try decay.map { (try ControlArgs.floats($0, "decay"), decayWidth ?? 1) },
                           beta: try beta.map { (try ControlArgs.floats($0, "beta"), betaWidth ?? 1) },
                           state: &state, dims)
        return [
            .tensor(TensorValue(floating: query.dataType, shape: [dims.batch, dims.time, qHeads * dims.dv], values: output)),
            .tensor(TensorValue(floating: past?.dataType ?? query.dataType, shape: stateShape, values: state)),
        ]
    }

    private func checkShapes(_ q: TensorValue, _ k: TensorValue, _ v: TensorValue) throws -> Dims {
        guard q.rank == 3, k.rank == 3, v.rank == 3 else {
            throw KernelError("query, key and value must be [batch, time, heads·size]; got \(q.shape), \(k.shape), \(v.shape)")
        }
        guard k.shape[0] == q.shape[0], v.shape[0] == q.shape[0], k.shape[1] == q.shape[1], v.shape[1] == q.shape[1],
              q.shape[2] % qHeads == 0, v.shape[2] % kvHeads == 0, k.shape[2] * qHeads == q.shape[2] * kvHeads else {
            throw KernelError("query \(q.shape), key \(k.shape), value \(v.shape) do not fit \(qHeads) query and \(kvHeads) KV heads")
        }
        return Dims(batch: q.shape[0], time: q.shape[1], dk: q.shape[2] / qHeads, dv: v.shape[2] / kvHeads)
    }

    /// The last dimension of a [batch, time, n] gate input, which must be one of `allowed`.
    private func width(of t: TensorValue, _ name: String, _ dims: Dims, allowed: [Int]) throws -> Int {
        guard t.rank == 3, t.shape[0] == dims.batch, t.shape[1] == dims.time, allowed.contains(t.shape[2]) else {
            throw KernelError("\(name) must be [\(dims.batch), \(dims.time), one of \(allowed)], got \(t.shape)")
        }
        return t.shape[2]
    }

    /// Runs the recurrence over time, updating `state`; returns the output [batch, time, q_heads·d_v].
    private func recur(q: [Float], k: [Float], v: [Float], decay: ([Float], Int)?, beta: ([Float], Int)?,
                       state: inout [Float], _ dims: Dims) -> [Float] {
        let (dk, dv, group) = (dims.dk, dims.dv, qHeads / kvHeads)
        let scaleValue = scale.flatMap { $0 == 0 ? nil : $0 } ?? 1 / Float(dk).squareRoot()
        var output = [Float](repeating: 0, count: dims.batch * dims.time * qHeads * dv)
        var update = [Float](repeating: 0, count: dv)
        for b in 0..<dims.batch {
            for t in 0..<dims.time {
                let step = b * dims.time + t
                for h in 0..<kvHeads {
                    let s = (b * kvHeads + h) * dk * dv
                    let kOffset = (step * kvHeads + h) * dk
                    if let (gates, width) = decay {
                        for d in 0..<dk {
                            let factor = expf(gates[step * width + (width == kvHeads ? h : h * dk + d)])
                            for m in 0..<dv { state[s + d * dv + m] *= factor }
                        }
                    }
                    for m in 0..<dv { update[m] = v[(step * kvHeads + h) * dv + m] }
                    if let (betas, width) = beta {
                        // update = beta · (v − Sᵀk): retrieve Sᵀk as the row vector kᵀS.
                        let weight = betas[step * width + (width == 1 ? 0 : h)]
                        BLAS.sgemm(m: 1, n: dv, k: dk, alpha: -1, a: k, aOffset: kOffset, b: state, bOffset: s,
                                   beta: 1, c: &update)
                        for m in 0..<dv { update[m] *= weight }
                    }
                    // S += k ⊗ update, then the group's query rows read S.
                    BLAS.sgemm(m: dk, n: dv, k: 1, a: k, aOffset: kOffset, b: update, bOffset: 0, beta: 1,
                               c: &state, cOffset: s)
                    BLAS.sgemm(m: group, n: dv, k: dk, alpha: scaleValue, a: q, aOffset: (step * qHeads + h * group) * dk,
                               b: state, bOffset: s, c: &output, cOffset: (step * qHeads + h * group) * dv)
                }
            }
        }
        return output
    }
}
