// RotaryEmbedding (23): rotary positional embedding (RoPE). X is (batch, num_heads, seq, head_size), or
// (batch, seq, hidden) with the `num_heads` attribute splitting hidden into heads. The first
// `rotary_embedding_dim` elements of each head (default 0 = all) are rotated in pairs by the angle whose
// cos/sin the caches hold: pairs are (i, i + dim/2) or, with `interleaved`, (2i, 2i + 1). With
// position_ids (batch, seq) the caches are (max_position, dim/2) tables indexed by position; without,
// they are (batch, seq, dim/2). The rest of each head passes through.

import ONNX

enum RotaryEmbeddingKernels {
    static let registrations = [KernelRegistration("RotaryEmbedding", since: 23) { node in
        RotaryEmbeddingKernel(numHeads: try node.int("num_heads", default: 0),
                              rotaryDim: try node.int("rotary_embedding_dim", default: 0),
                              interleaved: try node.int("interleaved", default: 0) != 0)
    }]
}

struct RotaryEmbeddingKernel: Kernel {
    let numHeads: Int
    let rotaryDim: Int
    let interleaved: Bool

    /// Where each head's vector lives in X: token (b, s) of head h starts at `offset(b, s, h)`.
    struct Layout {
        let batch: Int, seq: Int, heads: Int, headSize: Int
        let headsFirst: Bool

        func offset(_ b: Int, _ s: Int, _ h: Int) -> Int {
            (headsFirst ? (b * heads + h) * seq + s : (b * seq + s) * heads + h) * headSize
        }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "RotaryEmbedding")
        let x = try args.tensor(0, "X"), cos = try args.tensor(1, "cos_cache"), sin = try args.tensor(2, "sin_cache")
        let positions = try args.optionalTensor(3, "position_ids")
        try ComputeSupport.requireFloating(x, "RotaryEmbedding")
        let layout = try self.layout(x.shape)
        let dim = rotaryDim == 0 ? layout.headSize : rotaryDim
        guard dim % 2 == 0, dim <= layout.headSize else {
            throw KernelError("RotaryEmbedding: rotary_embedding_dim \(dim) must be even and at most the head size \(layout.headSize)")
        }
        let rows = try cacheRows(positions, cache: cos, layout: layout, half: dim / 2)
        guard sin.shape == cos.shape else {
            throw KernelError("RotaryEmbedding: sin_cache shape \(sin.shape) differs from cos_cache shape \(cos.shape)")
        }
        var y = try Float.values(of: x)
        rotate(&y, layout: layout, half: dim / 2, rows: rows, cos: try Float.values(of: cos), sin: try Float.values(of: sin))
        return [.tensor(Float.tensor(x.dataType, shape: x.shape, values: y))]
    }

    private func layout(_ shape: [Int]) throws -> Layout {
        if shape.count == 4 {
            return Layout(batch: shape[0], seq: shape[2], heads: shape[1], headSize: shape[3], headsFirst: true)
        }
        guard shape.count == 3 else { throw KernelError("RotaryEmbedding: X must be 3-D or 4-D, got shape \(shape)") }
        guard numHeads > 0, shape[2] % numHeads == 0 else {
            throw KernelError("RotaryEmbedding: a 3-D X needs num_heads > 0 dividing its hidden size \(shape[2]), got \(numHeads)")
        }
        return Layout(batch: shape[0], seq: shape[1], heads: numHeads, headSize: shape[2] / numHeads, headsFirst: false)
    }

    /// For each token (b, s) in order, the row of the caches holding its cos/sin values.
    private func cacheRows(_ positions: TensorValue?, cache: TensorValue, layout: Layout, half: Int) throws -> [Int] {
        guard cache.shape.last == half else {
            throw KernelError("RotaryEmbedding: cache shape \(cache.shape) must end in rotary_embedding_dim/2 = \(half)")
        }
        let tokens = layout.batch * layout.seq
        guard let positions else {
            guard cache.shape == [layout.batch, layout.seq, half] else {
                throw KernelError("RotaryEmbedding: without position_ids the caches must be (batch, seq, \(half)), got \(cache.shape)")
            }
            return Array(0..<tokens)
        }
        guard cache.rank == 2, let ids = positions.int64s(), positions.shape == [layout.batch, layout.seq] else {
            throw KernelError("RotaryEmbedding: position_ids \(positions.shape) must be (batch, seq) integers and the caches 2-D, got \(cache.shape)")
        }
        return try ids.map { id in
            guard id >= 0, id < cache.shape[0] else {
                throw KernelError("RotaryEmbedding: position id \(id) is outside the cache of \(cache.shape[0]) positions")
            }
            return Int(id)
        }
    }

    private func rotate(_ y: inout [Float], layout: Layout, half: Int, rows: [Int], cos: [Float], sin: [Float]) {
        for b in 0..<layout.batch {
            for s in 0..<layout.seq {
                let row = rows[b * layout.seq + s] * half
                for h in 0..<layout.heads {
                    let base = layout.offset(b, s, h)
                    for i in 0..<half {
                        let (p1, p2) = interleaved ? (base + 2 * i, base + 2 * i + 1) : (base + i, base + i + half)
                        let x1 = y[p1], x2 = y[p2], c = cos[row + i], sn = sin[row + i]
                        y[p1] = c * x1 - sn * x2
                        y[p2] = sn * x1 + c * x2
                    }
                }
            }
        }
    }
}
