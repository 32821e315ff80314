import ONNX

/// TopK (1, 10, 11, 24): the k largest (or, from 11 with `largest=0`, smallest) elements along `axis`
/// and their int64 indices. 1 reads `k` from an attribute, 10+ from the one-element `K` input. Equal
/// values keep the lower index first. Results are always sorted (also for `sorted=0`, where any order
/// is allowed). 24 only widens the types.
enum TopKKernels {
    static let registrations =
        KernelRegistration.versions("TopK", [1]) { context in
            let k = try context.required("k", context.int)
            let axis = try context.int("axis", default: -1)
            return ClosureKernel { inputs, _ in
                try topK(try ShapeInputs.tensor(inputs, 0, "X"), k: k, axis: axis, largest: true)
            }
        }
        + KernelRegistration.versions("TopK", [10, 11, 24]) { context in
            let axis = try context.int("axis", default: -1)
            let largest = context.opset >= 11 ? try context.int("largest", default: 1) != 0 : true
            return ClosureKernel { inputs, _ in
                let k = try ShapeInputs.scalarInt(inputs, 1, "K")
                return try topK(try ShapeInputs.tensor(inputs, 0, "X"), k: k, axis: axis, largest: largest)
            }
        }

    static func topK(_ x: TensorValue, k: Int, axis: Int, largest: Bool) throws -> [RuntimeValue?] {
        let a = try ShapeMath.axis(axis, rank: x.rank)
        guard k >= 0 && k <= x.shape[a] else { throw KernelError("k \(k) is out of range for axis of size \(x.shape[a])") }
        let inner = x.shape[(a + 1)...].reduce(1, *)
        let picks = try ShapeNumbers.withKeys(x, Select(dim: x.shape[a], inner: inner, k: k, largest: largest))
        var shape = x.shape
        shape[a] = k
        // picks are (source offset, index along axis) in output order.
        let values = try ShapeElements.transform(x, to: shape, BlockGather(starts: picks.map(\.offset), block: 1))
        let indices = TensorValue(shape: shape, values: picks.map { Int64($0.index) })
        return [.tensor(values), .tensor(indices)]
    }

    struct Select: KeyedOperation {
        let dim: Int, inner: Int, k: Int, largest: Bool
        func apply<K: Comparable>(_ keys: [K]) throws -> [(offset: Int, index: Int)] {
            let outer = dim * inner == 0 ? 0 : keys.count / (dim * inner)
            var result = [(offset: Int, index: Int)](repeating: (0, 0), count: outer * k * inner)
            var order = [Int](repeating: 0, count: dim)
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * dim * inner + i
                    for j in 0..<dim { order[j] = j }
                    order.sort { p, q in
                        let a = keys[base + p * inner], b = keys[base + q * inner]
                        if a == b { return p < q }
                        return largest ? a > b : a < b
                    }
                    for r in 0..<k {
                        result[(o * k + r) * inner + i] = (base + order[r] * inner, order[r])
                    }
                }
            }
            return result
        }
    }
}
