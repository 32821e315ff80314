import ONNX

/// TensorScatter (24): writes `update` into a copy of the KV cache `past_cache` along `axis` (default
/// −2, the sequence axis), starting for batch entry b at `write_indices[b]` (0 when the input is left
/// out). Every dimension but `axis` must match; `update` may be shorter along it. mode "linear" requires
/// the write to fit, "circular" wraps positions modulo the cache length (a ring buffer).
///
/// Why it is written as a gather: the output is the cache with some positions taken from `update`, so the
/// kernel lists, for every output element, its source in the flat concatenation [cache, update] and moves
/// elements of any type in one pass.
enum TensorScatterKernels {
    static let registrations = [KernelRegistration("TensorScatter", since: 24) { node in
        let mode = try node.string("mode", default: "linear")
        guard mode == "linear" || mode == "circular" else {
            throw KernelError("mode '\(mode)' is not 'linear' or 'circular'")
        }
        return TensorScatterKernel(circular: mode == "circular", axis: try node.int("axis", default: -2))
    }]
}

struct TensorScatterKernel: Kernel {
    let circular: Bool
    let axis: Int

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let cache = try ControlArgs.tensor(inputs, 0, "past_cache")
        let update = try ControlArgs.tensor(inputs, 1, "update")
        guard cache.dataType == update.dataType else {
            throw KernelError("past_cache is \(cache.dataType) but update is \(update.dataType)")
        }
        guard cache.rank >= 2, update.rank == cache.rank else {
            throw KernelError("past_cache \(cache.shape) and update \(update.shape) must have one rank ≥ 2")
        }
        let a = try ControlArgs.axis(axis, rank: cache.rank)
        guard a > 0 else { throw KernelError("axis \(axis) must not be the batch axis") }
        for d in 0..<cache.rank {
            let fits = d == a ? update.shape[d] <= cache.shape[d] : update.shape[d] == cache.shape[d]
            guard !fits else { continue }
            throw KernelError("update \(update.shape) does not fit past_cache \(cache.shape) along axis \(d)")
        }
        let batch = cache.shape[0]
        let starts = try ControlArgs.optionalTensor(inputs, 2, "write_indices").map { try ControlArgs.ints($0, "write_indices") }
            ?? [Int](repeating: 0, count: batch)
        guard starts.count == batch else { throw KernelError("write_indices must have \(batch) entries, got \(starts.count)") }
        let sources = try sourceIndices(cache: cache.shape, updateLength: update.shape[a], axis: a, starts: starts)
        let joined = try ElementMoves.concatenate([cache, update], shape: [cache.count + update.count])
        return [.tensor(ElementMoves.gather(joined, indices: sources, shape: cache.shape))]
    }

    /// For each element of the result, its flat index in [cache, update].
    private func sourceIndices(cache shape: [Int], updateLength: Int, axis: Int, starts: [Int]) throws -> [Int] {
        let length = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        let outer = shape[..<axis].reduce(1, *)
        let perBatch = outer / max(shape[0], 1)
        let cacheCount = shape.reduce(1, *)
        var sources = Array(0..<cacheCount)
        for o in 0..<outer {
            let start = starts[o / max(perBatch, 1)]
            for s in 0..<updateLength {
                var position = start + s
                if circular { position = ((position % length) + length) % length }
                guard position >= 0, position < length else {
                    throw KernelError("write at position \(position) is outside the cache length \(length) (mode linear)")
                }
                let target = (o * length + position) * inner
                let source = cacheCount + (o * updateLength + s) * inner
                for i in 0..<inner { sources[target + i] = source + i }
            }
        }
        return sources
    }
}
