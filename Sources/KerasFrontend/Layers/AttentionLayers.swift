import Foundation
import Limits
import ONNX

/// MultiHeadAttention, Attention (Luong) and AdditiveAttention (Bahdanau), written with plain MatMul, Add,
/// Reshape, Transpose and Softmax so they work from opset 13. Masks: only the causal mask
/// (`use_causal_mask`), as a constant when the sequence lengths are known; mask tensors are refused.
enum AttentionLayers {
    static let mappings: [String: LayerMapping] = [
        "MultiHeadAttention": multiHeadAttention,
        "Attention": { c in try attention(c, additive: false) },
        "AdditiveAttention": { c in try attention(c, additive: true) },
    ]

    /// Keras's masked softmax adds this to the scores where the mask is false (float32).
    static let largeNegative: Float = -1e9

    /// The call's tensors by argument name: the importer passes the positional inputs, then the keyword
    /// tensors in sorted key order (Keras 2 writes MultiHeadAttention's `value` as a keyword).
    private static func namedInputs(_ c: LayerContext, positional: [String]) throws -> [String: KerasTensor] {
        let keywords = c.call.tensorArguments.keys.sorted()
        let names = Array(positional.prefix(c.call.inputs.count)) + keywords
        guard c.call.inputs.count <= positional.count, names.count == c.inputs.count else {
            throw c.fail("called with \(c.call.inputs.count) positional and \(keywords.count) keyword tensors; expected \(positional.joined(separator: ", "))")
        }
        var named: [String: KerasTensor] = [:]
        for (name, tensor) in zip(names, c.inputs) {
            guard named[name] == nil else { throw c.fail("tensor argument '\(name)' is given twice") }
            named[name] = tensor
        }
        return named
    }

    private static func option(_ c: LayerContext, _ key: String) throws -> Bool {
        guard let value = c.call.options[key], !value.isNull else { return false }
        guard let flag = value.bool else { throw c.fail("call option '\(key)' is not true or false") }
        return flag
    }

    /// The constant lower-triangular mask of `use_causal_mask` as an additive [T, S] term: 0 where the
    /// query position i may see key position j (i ≥ j), the large negative number elsewhere.
    private static func causalMask(_ c: LayerContext, queryLength: Int?, keyLength: Int?) throws -> String {
        guard let t = queryLength, let s = keyLength else {
            throw c.fail("use_causal_mask needs known query and key sequence lengths")
        }
        try c.checkAllocation([t, s], "the causal mask")
        var values = [Float](repeating: 0, count: t * s)
        for i in 0..<t { for j in 0..<s where j > i { values[i * s + j] = largeNegative } }
        return c.builder.floats("causal_mask", values, dims: [t, s])
    }

    // MARK: MultiHeadAttention

    /// Keras's einsum dense layers spelled as MatMul: q = query·Wq + bq → [B, T, H, Dk] scaled by
    /// 1/√Dk, k and v likewise over the key and value, scores = softmax(q·kᵀ) per head, the heads' outputs
    /// joined and projected by the output kernel [H, Dv, O]. Inputs of rank > 3 attend over all their
    /// middle axes (the default `attention_axes`), flattened into one.
    private static func multiHeadAttention(_ c: LayerContext) throws -> [KerasTensor] {
        let named = try namedInputs(c, positional: ["query", "value", "key"])
        for (key, _) in named where !["query", "value", "key"].contains(key) {
            throw c.fail("the '\(key)' tensor is not supported (masks other than use_causal_mask are not converted)")
        }
        guard let query = named["query"], let value = named["value"] else { throw c.fail("needs query and value tensors") }
        let key = named["key"] ?? value
        if try option(c, "return_attention_scores") { throw c.fail("return_attention_scores is not supported") }
        if try c.bool("use_gate", default: false) { throw c.fail("use_gate is not supported") }
        if let window = c.config["sliding_window"], !window.isNull { throw c.fail("sliding_window is not supported") }
        let causal = try option(c, "use_causal_mask")

        let heads = try c.size("num_heads"), keyDim = try c.size("key_dim")
        let valueDim = try c.size("value_dim", default: keyDim)
        let useBias = try c.bool("use_bias", default: true)
        let rank = query.rank
        guard rank >= 3, value.rank == rank, key.rank == rank else {
            throw c.fail("query, value and key must have the same rank ≥ 3 (got \(query.rank), \(value.rank), \(key.rank))")
        }
        if let axes = c.config["attention_axes"], !axes.isNull {
            let list = axes.int.map { [$0] } ?? axes.array?.compactMap(\.int) ?? []
            let normalised = list.map { $0 < 0 ? $0 + rank : $0 }
            guard normalised == Array(1..<(rank - 1)) else {
                throw c.fail("attention_axes \(axes) is not supported (only the default, all axes between batch and features)")
            }
        }
        guard let queryWidth = query.shape.last ?? nil, let valueWidth = value.shape.last ?? nil,
              let keyWidth = key.shape.last ?? nil else { throw c.fail("the feature axes must have known sizes") }
        var outputShape = [queryWidth]
        if let spec = c.config["output_shape"], !spec.isNull {
            guard let list = spec.int.map({ [$0] }) ?? spec.array?.compactMap(\.int), !list.isEmpty,
                  list.count == (spec.array?.count ?? 1), list.allSatisfy({ (1...LayerContext.maxSize).contains($0) }) else {
                throw c.fail("output_shape \(spec) is not understood")
            }
            outputShape = list
        }
        guard outputShape.count == 1 else { throw c.fail("output_shape \(outputShape) with more than one axis is not supported") }
        let outWidth = outputShape[0]

        var index = 0
        func next(_ what: String, _ shape: [Int]) throws -> KerasWeight {
            defer { index += 1 }
            return try c.weight(index, what, shape: shape)
        }
        func projection(_ what: String, width: Int, dim: Int) throws -> (kernel: KerasWeight, bias: KerasWeight?) {
            let kernel = try next("\(what) kernel", [width, heads, dim])
            return (kernel, useBias ? try next("\(what) bias", [heads, dim]) : nil)
        }
        let wq = try projection("query", width: queryWidth, dim: keyDim)
        let wk = try projection("key", width: keyWidth, dim: keyDim)
        let wv = try projection("value", width: valueWidth, dim: valueDim)
        let wo = try next("output kernel", [heads, valueDim, outWidth])
        let bo = useBias ? try next("output bias", [outWidth]) : nil
        guard index == c.weights.count else { throw KerasError.weights(c.layer.id, "\(c.weights.count) arrays, expected \(index)") }

        let b = c.builder
        /// [B, D1…, C] → [B, L, C] with L the product of the middle axes.
        func flattened(_ t: KerasTensor) -> (name: String, length: Int?) {
            let middle = t.shape.dropFirst().dropLast()
            // The sizes are those of tensors that passed the memory-budget check, so the product fits.
            let length = middle.contains(nil) ? nil : ShapeArithmetic.product(middle.compactMap { $0 })
            guard rank > 3 else { return (t.name, length) }
            return (b.op("Reshape", [t.name, b.int64s("shape", [0, -1, Int64(t.shape.last.flatMap { $0 } ?? 0)])]), length)
        }
        /// x·W + b → [B, L, H, D] → transposed by `perm`.
        func project(_ x: String, _ w: (kernel: KerasWeight, bias: KerasWeight?), _ what: String, dim: Int, perm: [Int]) -> String {
            var y = b.op("MatMul", [x, b.weight("\(what)_kernel", w.kernel, dims: [w.kernel.shape[0], heads * dim])])
            if let bias = w.bias { y = b.op("Add", [y, b.weight("\(what)_bias", bias, dims: [heads * dim])]) }
            y = b.op("Reshape", [y, b.int64s("shape", [0, 0, Int64(heads), Int64(dim)])])
            return b.op("Transpose", [y], [.ints("perm", perm)])
        }
        let (q0, queryLength) = flattened(query)
        let (k0, keyLength) = key == value ? flattened(value) : flattened(key)
        let v0 = key == value ? k0 : flattened(value).name
        var q = project(q0, wq, "query", dim: keyDim, perm: [0, 2, 1, 3])                  // [B, H, T, Dk]
        q = b.op("Mul", [q, b.scalar("scale", Float(1 / Double(keyDim).squareRoot()))])
        let k = project(k0, wk, "key", dim: keyDim, perm: [0, 2, 3, 1])                    // [B, H, Dk, S]
        let v = project(v0, wv, "value", dim: valueDim, perm: [0, 2, 1, 3])                // [B, H, S, Dv]
        var scores = b.op("MatMul", [q, k])                                                // [B, H, T, S]
        if causal { scores = b.op("Add", [scores, try causalMask(c, queryLength: queryLength, keyLength: keyLength)]) }
        let weights = b.op("Softmax", [scores], [.int("axis", -1)])
        var y = b.op("Transpose", [b.op("MatMul", [weights, v])], [.ints("perm", [0, 2, 1, 3])])   // [B, T, H, Dv]
        y = b.op("Reshape", [y, b.int64s("shape", [0, 0, Int64(heads * valueDim)])])
        y = b.op("MatMul", [y, b.weight("output_kernel", wo, dims: [heads * valueDim, outWidth])])
        if let bo { y = b.op("Add", [y, b.weight("output_bias", bo, dims: [outWidth])]) }
        let shape = Array(query.shape.dropLast()) + [outWidth]
        if rank > 3 {
            y = b.op("Reshape", [y, b.int64s("shape", [0] + shape.dropFirst().map { Int64($0 ?? -1) })])
        }
        return [KerasTensor(name: y, shape: shape)]
    }

    // MARK: Attention, AdditiveAttention

    /// Luong (`Attention`: scores q·kᵀ, times `scale` if use_scale; or with score_mode "concat"
    /// w·Σ tanh(scale·(q + k))) and Bahdanau (`AdditiveAttention`: Σ scale·tanh(q + k)) attention over
    /// inputs [query, value] or [query, value, key]; the output is softmax(scores)·value.
    private static func attention(_ c: LayerContext, additive: Bool) throws -> [KerasTensor] {
        if let extra = c.call.tensorArguments.keys.sorted().first {
            throw c.fail("the '\(extra)' tensor is not supported (masks other than use_causal_mask are not converted)")
        }
        if try option(c, "return_attention_scores") { throw c.fail("return_attention_scores is not supported") }
        let causal = try option(c, "use_causal_mask") || (try c.bool("causal", default: false))
        guard c.inputs.count == 2 || c.inputs.count == 3 else { throw c.fail("takes [query, value] or [query, value, key], got \(c.inputs.count) tensors") }
        let query = c.inputs[0], value = c.inputs[1], key = c.inputs.count == 3 ? c.inputs[2] : c.inputs[1]
        let rank = query.rank
        guard rank >= 3, key.rank == rank, value.rank == rank else { throw c.fail("query, value and key must have the same rank ≥ 3") }
        let scoreMode = additive ? "additive" : try c.string("score_mode", default: "dot")
        let useScale = try c.bool("use_scale", default: additive)
        let b = c.builder
        var index = 0
        func next(_ what: String, _ shape: [Int]) throws -> KerasWeight {
            defer { index += 1 }
            return try c.weight(index, what, shape: shape)
        }
        let scores: String
        switch scoreMode {
        case "dot":
            let scale = useScale ? try next("scale", []) : nil
            var perm = Array(0..<rank)
            perm.swapAt(rank - 1, rank - 2)
            var s = b.op("MatMul", [query.name, b.op("Transpose", [key.name], [.ints("perm", perm)])])
            if let scale { s = b.op("Mul", [s, b.floats("scale", scale.values, dims: [])]) }
            scores = s
        case "concat", "additive":
            guard let dim = query.shape.last ?? nil else { throw c.fail("the feature axis must have a known size") }
            // [B, Tq, 1, dim] + [B, 1, Tv, dim] → [B, Tq, Tv, dim]
            let q = b.op("Unsqueeze", [query.name, b.int64s("axes", [Int64(rank - 1)])])
            let k = b.op("Unsqueeze", [key.name, b.int64s("axes", [Int64(rank - 2)])])
            var sum = b.op("Add", [q, k])
            if additive {
                let scale = useScale ? try next("scale", [dim]).values : [Float](repeating: 1, count: dim)
                // Σ scale·tanh(·) over the features, as a MatMul with the scale vector.
                scores = b.op("MatMul", [b.op("Tanh", [sum]), b.floats("scale", scale, dims: [dim])])
            } else {
                if useScale { sum = b.op("Mul", [sum, b.floats("scale", try next("scale", []).values, dims: [])]) }
                let weight = try next("concat_score_weight", [])
                let ones = b.floats("ones", [Float](repeating: 1, count: dim), dims: [dim])
                scores = b.op("Mul", [b.op("MatMul", [b.op("Tanh", [sum]), ones]), b.floats("concat_score_weight", weight.values, dims: [])])
            }
        default:
            throw c.fail("score_mode '\(scoreMode)' is not supported")
        }
        guard index == c.weights.count else { throw KerasError.weights(c.layer.id, "\(c.weights.count) arrays, expected \(index)") }
        var masked = scores
        if causal {
            masked = b.op("Add", [scores, try causalMask(c, queryLength: query.shape[rank - 2], keyLength: key.shape[rank - 2])])
        }
        let weights = b.op("Softmax", [masked], [.int("axis", -1)])
        let y = b.op("MatMul", [weights, value.name])
        return [KerasTensor(name: y, shape: Array(query.shape.dropLast()) + [value.shape.last ?? nil])]
    }
}
