import ONNX

/// ArgMax, ArgMin (1, 11, 12, 13): int64 index of the largest / smallest element along `axis`
/// (`keepdims` keeps that axis as size 1). 11 allows a negative axis; 12 adds `select_last_index`
/// (ties pick the last index instead of the first); 13 only widens the types.
enum ArgMinMaxKernels {
    static let registrations =
        KernelRegistration.versions("ArgMax", [1, 11, 12, 13]) { context in try make(context, largest: true) }
        + KernelRegistration.versions("ArgMin", [1, 11, 12, 13]) { context in try make(context, largest: false) }

    static func make(_ context: NodeContext, largest: Bool) throws -> any Kernel {
        let axis = try context.int("axis", default: 0)
        let keepDims = try context.int("keepdims", default: 1) != 0
        let last = context.opset >= 12 ? try context.int("select_last_index", default: 0) != 0 : false
        return ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "data")
            let a = try ShapeMath.axis(axis, rank: x.rank)
            guard x.shape[a] > 0 else { throw KernelError("cannot take the arg of an empty axis") }
            let op = Arg(dim: x.shape[a], inner: x.shape[(a + 1)...].reduce(1, *), largest: largest, last: last)
            let indices = try ShapeNumbers.withKeys(x, op)
            var shape = x.shape
            if keepDims { shape[a] = 1 } else { shape.remove(at: a) }
            return [.tensor(TensorValue(shape: shape, values: indices))]
        }
    }

    struct Arg: KeyedOperation {
        let dim: Int, inner: Int, largest: Bool, last: Bool
        func apply<K: Comparable>(_ keys: [K]) throws -> [Int64] {
            let outer = keys.count / (dim * inner)
            var result = [Int64](repeating: 0, count: outer * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * dim * inner + i
                    var best = keys[base], bestIndex = 0
                    for j in 1..<max(dim, 1) {
                        let v = keys[base + j * inner]
                        let better = largest ? (last ? v >= best : v > best) : (last ? v <= best : v < best)
                        if better { best = v; bestIndex = j }
                    }
                    result[o * inner + i] = Int64(bestIndex)
                }
            }
            return result
        }
    }
}
