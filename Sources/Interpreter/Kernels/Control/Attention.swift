import Foundation
import ONNX

/// Attention (23, 24, 25), the ai.onnx scaled dot-product attention, following onnx's reference:
/// `Y = softmax(softcap(Q·Kᵀ·scale) + bias) · V` per batch and head, with 3D inputs
/// [batch, seq, heads·size] split by `q_num_heads`/`kv_num_heads`, grouped-query attention (each KV head
/// serves `q_heads / kv_heads` consecutive query heads), `past_key`/`past_value` prepended to K/V
/// (returned as present_key/present_value), and the additive bias built from `attn_mask` (bool: False
/// masks; float: added; a mask shorter than the KV length is padded with masked entries), `is_causal`
/// (query i sees key j when j ≤ i + offset, offset = past length, or nonpad_kv_seqlen[b] − q_len for an
/// external cache), and the nonpad padding mask. Rows whose bias is entirely −∞ give zeros.
/// `qk_matmul_output_mode` picks the fourth output: 0 Q·Kᵀ·scale, 1 after softcap, 2 after the bias,
/// 3 after softmax.
/// - 23: inputs Q, K, V, attn_mask, past_key, past_value.
/// - 24: adds input `nonpad_kv_seqlen` (per-batch valid KV length, with no past cache).
/// - 25: adds `left_window_size`/`right_window_size` (sliding window around the query's absolute
///   position) and rejects q_num_heads/kv_num_heads with 4D inputs.
enum AttentionKernels {
    static let registrations = KernelRegistration.versions("Attention", [23, 24, 25]) { node in
        AttentionKernel(
            opset: node.opset,
            isCausal: try node.int("is_causal", default: 0) != 0,
            qHeads: try node.int("q_num_heads"),
            kvHeads: try node.int("kv_num_heads"),
            outputMode: try node.int("qk_matmul_output_mode", default: 0),
            scale: try node.float("scale"),
            softmaxPrecision: try QuantizationKernels.dataType(node.int("softmax_precision", default: 0)),
            softcap: try node.float("softcap", default: 0),
            leftWindow: node.opset >= 25 ? try node.int("left_window_size", default: -1) : -1,
            rightWindow: node.opset >= 25 ? try node.int("right_window_size", default: -1) : -1,
            producesScores: node.node.outputs.count > 3 && !node.node.outputs[3].isEmpty)
    }
}

struct AttentionKernel: Kernel {
    let opset: Int
    let isCausal: Bool
    let qHeads: Int?
    let kvHeads: Int?
    let outputMode: Int
    let scale: Float?
    let softmaxPrecision: DataType?
    let softcap: Float
    let leftWindow: Int
    let rightWindow: Int
    /// Whether the node asks for the fourth output (qk_matmul_output); it is not computed otherwise.
    let producesScores: Bool

    /// A tensor as Float values in [batch, heads, seq, size] order.
    private func heads(_ t: TensorValue, _ name: String, count: Int?) throws -> (values: [Float], shape: [Int]) {
        let values = try ControlArgs.floats(t, name)
        if t.rank == 4 { return (values, t.shape) }
        guard t.rank == 3 else { throw KernelError("\(name) must have rank 3 or 4, got \(t.shape)") }
        guard let count, count > 0, t.shape[2] % count == 0 else {
            throw KernelError("3D \(name) needs a head count dividing its hidden size \(t.shape[2])")
        }
        let shape = [t.shape[0], t.shape[1], count, t.shape[2] / count]
        let moved = ElementMoves.transpose(TensorValue(shape: shape, values: values), perm: [0, 2, 1, 3])
        return (moved.floats() ?? [], moved.shape)
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let qTensor = try ControlArgs.tensor(inputs, 0, "Q")
        let kTensor = try ControlArgs.tensor(inputs, 1, "K")
        let vTensor = try ControlArgs.tensor(inputs, 2, "V")
        guard qTensor.rank == kTensor.rank, kTensor.rank == vTensor.rank else {
            throw KernelError("Q, K and V must have the same rank, got \(qTensor.shape), \(kTensor.shape), \(vTensor.shape)")
        }
        if opset >= 25 && qTensor.rank == 4 && (qHeads != nil || kvHeads != nil) {
            throw KernelError("q_num_heads and kv_num_heads must not be given for 4D inputs")
        }
        let mask = try ControlArgs.optionalTensor(inputs, 3, "attn_mask")
        let pastKey = try ControlArgs.optionalTensor(inputs, 4, "past_key")
        let pastValue = try ControlArgs.optionalTensor(inputs, 5, "past_value")
        let nonpad = opset >= 24 ? try ControlArgs.optionalTensor(inputs, 6, "nonpad_kv_seqlen").map { try ControlArgs.ints($0, "nonpad_kv_seqlen") } : nil
        guard (pastKey == nil) == (pastValue == nil) else { throw KernelError("past_key and past_value must be given together") }
        if nonpad != nil && pastKey != nil { throw KernelError("nonpad_kv_seqlen cannot be combined with past_key/past_value") }

        var (q, qShape) = try heads(qTensor, "Q", count: qHeads)
        var (k, kShape) = try heads(kTensor, "K", count: kvHeads)
        var (v, vShape) = try heads(vTensor, "V", count: kvHeads)
        let batch = qShape[0], hq = qShape[1], sq = qShape[2], d = qShape[3]
        guard kShape[0] == batch, vShape[0] == batch, kShape[3] == d, kShape[1] == vShape[1], kShape[2] == vShape[2] else {
            throw KernelError("K \(kShape) and V \(vShape) do not fit Q \(qShape)")
        }
        var pastLength = 0
        if let pastKey, let pastValue {
            guard pastKey.rank == 4, pastValue.rank == 4, pastKey.shape[0] == batch, pastKey.shape[1] == kShape[1],
                  pastKey.shape[3] == d, pastValue.shape[0] == batch, pastValue.shape[1] == vShape[1],
                  pastValue.shape[3] == vShape[3], pastKey.shape[2] == pastValue.shape[2] else {
                throw KernelError("past_key \(pastKey.shape) / past_value \(pastValue.shape) do not fit K \(kShape) / V \(vShape)")
            }
            pastLength = pastKey.shape[2]
            k = try Self.concatSeq(try ControlArgs.floats(pastKey, "past_key"), pastKey.shape, k, kShape)
            v = try Self.concatSeq(try ControlArgs.floats(pastValue, "past_value"), pastValue.shape, v, vShape)
            kShape[2] += pastLength
            vShape[2] += pastLength
        }
        let hk = kShape[1], skv = kShape[2], dv = vShape[3]
        guard hk > 0, hq % hk == 0 else { throw KernelError("\(hq) query heads cannot share \(hk) KV heads") }
        let group = hq / hk
        if let nonpad, nonpad.count != batch { throw KernelError("nonpad_kv_seqlen must have \(batch) entries") }

        // The attention mask, right-aligned to [batch, heads, q, kv]; positions past its last dim are masked.
        var maskValues: [Float]? = nil
        var maskStrides = [0, 0, 0, 0]
        var maskLast = 0
        if let mask {
            guard (1...4).contains(mask.rank) else { throw KernelError("attn_mask must have rank 1 to 4, got \(mask.shape)") }
            let dims = [Int](repeating: 1, count: 4 - mask.rank) + mask.shape
            let full = [batch, hq, sq, skv]
            for axis in 0..<3 where dims[axis] != 1 && dims[axis] != full[axis] {
                throw KernelError("attn_mask \(mask.shape) does not broadcast to \(full)")
            }
            guard dims[3] <= skv else { throw KernelError("attn_mask \(mask.shape) is longer than the KV length \(skv)") }
            maskLast = dims[3]
            var stride = 1
            for axis in (0..<4).reversed() {
                maskStrides[axis] = dims[axis] == 1 && axis < 3 ? 0 : stride
                stride *= dims[axis]
            }
            if mask.dataType == .bool {
                guard case .bool(let flags) = mask.storage else { throw KernelError("bad bool attn_mask") }
                maskValues = flags.map { $0 ? 0 : -Float.infinity }
            } else {
                maskValues = try ControlArgs.floats(mask, "attn_mask")
            }
        }
        let windowed = leftWindow >= 0 || rightWindow >= 0
        let scaleValue = scale ?? Float(1 / Double(d).squareRoot())
        // float16/bfloat16 inputs are computed as the reference's numpy arithmetic in that type does:
        // Q and K each scaled by √scale (itself rounded to the type), every elementwise step rounded,
        // matrix products accumulated in float32 and rounded once, and the softmax denominator summed
        // in float32 (float16, numpy's pairwise sum) or rounded after every addition (bfloat16, an
        // ml_dtypes reduction) — unless softmax_precision asks for a wider softmax.
        let narrow: DataType? = qTensor.dataType == .float16 || qTensor.dataType == .bfloat16 ? qTensor.dataType : nil
        let narrowSoftmax = narrow != nil && (softmaxPrecision == nil || softmaxPrecision == narrow)
        let sequentialSum = narrow == .bfloat16
        func rounded(_ value: Float) -> Float { narrow.map { QuantizationKernels.round(value, to: $0) } ?? value }
        var kScaled = k
        if narrow != nil {
            let root = rounded(Float((scale.map(Double.init) ?? 1 / Double(d).squareRoot()).squareRoot()))
            q = q.map { rounded($0 * root) }
            kScaled = k.map { rounded($0 * root) }
        }
        let gemmAlpha: Float = narrow == nil ? scaleValue : 1

        guard sq > 0, skv > 0, d > 0, dv > 0, batch > 0 else {
            throw KernelError("empty attention inputs are not supported: Q \(qShape), K \(kShape), V \(vShape)")
        }
        // Q·Kᵀ is sq × skv per head, whatever d: two thin inputs can ask for a huge score matrix.
        try ShapeMath.checkedCount([batch, hq, sq, producesScores ? skv : 1], elementSize: 4, of: "Attention scores")
        try ShapeMath.checkedCount([batch, hq, sq, dv], elementSize: 4, of: "Attention output")
        var y = [Float](repeating: 0, count: batch * hq * sq * dv)
        var qkOut = [Float](repeating: 0, count: producesScores ? batch * hq * sq * skv : 0)
        var scores = [Float](repeating: 0, count: sq * skv)
        var bias = [Float](repeating: 0, count: sq * skv)
        // Without mask, causality, window or padding the bias is all zeros: skip it. Otherwise it is
        // rebuilt only when it can change: per head if the mask has a head axis, per batch entry if
        // the mask has a batch axis or padding lengths are given.
        let hasBias = maskValues != nil || isCausal || windowed || nonpad != nil
        let biasPerHead = maskValues != nil && maskStrides[1] != 0
        let biasPerBatch = (maskValues != nil && maskStrides[0] != 0) || nonpad != nil
        let area = sq * skv
        try q.withUnsafeBufferPointer { qp in
            try kScaled.withUnsafeBufferPointer { kp in
                try v.withUnsafeBufferPointer { vp in
                    try y.withUnsafeMutableBufferPointer { yp in
                        try qkOut.withUnsafeMutableBufferPointer { qkp in
                            try scores.withUnsafeMutableBufferPointer { sp in
                                try bias.withUnsafeMutableBufferPointer { bp in
                                    guard let qBase = qp.baseAddress, let kBase = kp.baseAddress, let vBase = vp.baseAddress,
                                          let yBase = yp.baseAddress, let sc = sp.baseAddress, let bi = bp.baseAddress else {
                                        throw KernelError("empty attention buffers")
                                    }
                                    for b in 0..<batch {
                                        let offset = nonpad.map { $0[b] - sq } ?? pastLength
                                        for h in 0..<hq {
                                            let kvh = h / group
                                            if hasBias && ((b == 0 && h == 0) || biasPerHead || (h == 0 && biasPerBatch)) {
                                                fillBias(bi, b: b, h: h, sq: sq, skv: skv, offset: offset, mask: maskValues,
                                                         maskStrides: maskStrides, maskLast: maskLast, windowed: windowed,
                                                         nonpad: nonpad?[b])
                                            }
                                            BLAS.sgemm(transposeB: true, m: sq, n: skv, k: d, alpha: gemmAlpha,
                                                       a: qBase + (b * hq + h) * sq * d, b: kBase + (b * hk + kvh) * skv * d, c: sc)
                                            let qk = producesScores ? qkp.baseAddress.map { $0 + (b * hq + h) * area } : nil
                                            if narrow != nil { for i in 0..<area { sc[i] = rounded(sc[i]) } }
                                            if outputMode == 0, let qk { qk.update(from: sc, count: area) }
                                            if softcap > 0 {
                                                let cap = rounded(softcap)
                                                for i in 0..<area { sc[i] = rounded(rounded(tanhf(rounded(sc[i] / cap))) * cap) }
                                            }
                                            if outputMode == 1, let qk { qk.update(from: sc, count: area) }
                                            if hasBias {
                                                if narrow == nil {
                                                    for i in 0..<area { sc[i] += bi[i] }
                                                } else {
                                                    for i in 0..<area { sc[i] = rounded(sc[i] + bi[i]) }
                                                }
                                            }
                                            if outputMode == 2, let qk { qk.update(from: sc, count: area) }
                                            for i in 0..<sq {
                                                let row = sc + i * skv
                                                if hasBias {
                                                    var biasMax = -Float.infinity
                                                    for j in 0..<skv { biasMax = max(biasMax, bi[i * skv + j]) }
                                                    if biasMax == -.infinity {
                                                        row.update(repeating: 0, count: skv)
                                                        continue
                                                    }
                                                }
                                                if narrowSoftmax {
                                                    var rowMax = -Float.infinity
                                                    for j in 0..<skv { rowMax = max(rowMax, row[j]) }
                                                    let shift = rowMax == -.infinity ? 0 : rowMax
                                                    var sum: Float = 0
                                                    for j in 0..<skv { row[j] = rounded(expf(rounded(row[j] - shift))) }
                                                    if sequentialSum {
                                                        for j in 0..<skv { sum = rounded(sum + row[j]) }
                                                    } else {
                                                        for j in 0..<skv { sum += row[j] }
                                                        sum = rounded(sum)
                                                    }
                                                    if sum == 0 { sum = 1 }
                                                    for j in 0..<skv { row[j] = rounded(row[j] / sum) }
                                                } else {
                                                    Self.softmax(row, count: skv)
                                                }
                                            }
                                            if outputMode == 3, let qk { qk.update(from: sc, count: area) }
                                            BLAS.sgemm(m: sq, n: dv, k: skv, a: sc, b: vBase + (b * hk + kvh) * skv * dv,
                                                       c: yBase + (b * hq + h) * sq * dv)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var output = TensorValue(floating: qTensor.dataType, shape: [batch, hq, sq, dv], values: y)
        if qTensor.rank == 3 {
            output = ElementMoves.transpose(output, perm: [0, 2, 1, 3])
            output.shape = [batch, sq, hq * dv]
        }
        return [
            .tensor(output),
            .tensor(TensorValue(floating: kTensor.dataType, shape: kShape, values: k)),
            .tensor(TensorValue(floating: vTensor.dataType, shape: vShape, values: v)),
            producesScores ? .tensor(TensorValue(floating: qTensor.dataType, shape: [batch, hq, sq, skv], values: qkOut)) : nil,
        ]
    }

    /// The additive bias [q, kv] of batch entry `b`, head `h`: mask (entries past its length masked),
    /// causal frontier `j ≤ i + offset`, sliding window, and the padding length.
    private func fillBias(_ bias: UnsafeMutablePointer<Float>, b: Int, h: Int, sq: Int, skv: Int, offset: Int,
                          mask: [Float]?, maskStrides: [Int], maskLast: Int, windowed: Bool, nonpad: Int?) {
        for i in 0..<sq {
            let row = bias + i * skv
            if let mask {
                let base = b * maskStrides[0] + h * maskStrides[1] + i * maskStrides[2]
                for j in 0..<skv { row[j] = j < maskLast ? mask[base + j] : -.infinity }
            } else {
                row.update(repeating: 0, count: skv)
            }
            if isCausal { for j in max(0, min(skv, i + offset + 1))..<skv { row[j] += -.infinity } }
            if windowed {
                for j in 0..<skv {
                    let diff = i + offset - j
                    if (leftWindow >= 0 && diff > leftWindow) || (rightWindow >= 0 && -diff > rightWindow) { row[j] += -.infinity }
                }
            }
            if let nonpad { for j in max(0, min(skv, nonpad))..<skv { row[j] += -.infinity } }
        }
    }

    /// Softmax of the `count` values at `row`, in place, in float32; a row that is all −∞ gives zeros
    /// (shared with FlexAttention).
    static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var rowMax = -Float.infinity
        for j in 0..<count { rowMax = max(rowMax, row[j]) }
        let shift = rowMax == -.infinity ? 0 : rowMax
        var sum: Float = 0
        for j in 0..<count { row[j] = expf(row[j] - shift); sum += row[j] }
        if sum == 0 { sum = 1 }
        let inv = 1 / sum
        for j in 0..<count { row[j] *= inv }
    }

    /// `past` [b, h, p, d] followed by `current` [b, h, s, d] along the sequence axis.
    static func concatSeq(_ past: [Float], _ pastShape: [Int], _ current: [Float], _ shape: [Int]) throws -> [Float] {
        let (batchHeads, p, s, d) = (shape[0] * shape[1], pastShape[2], shape[2], shape[3])
        var out: [Float] = []
        out.reserveCapacity(batchHeads * (p + s) * d)
        for bh in 0..<batchHeads {
            out.append(contentsOf: past[(bh * p * d)..<((bh + 1) * p * d)])
            out.append(contentsOf: current[(bh * s * d)..<((bh + 1) * s * d)])
        }
        return out
    }
}
