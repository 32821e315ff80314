/// Numpy-style (multidirectional) broadcasting, as ONNX specifies it.
public enum Broadcast {
    /// The broadcast shape of several shapes, or an error naming them. The result is checked
    /// (`ShapeMath.checkedCount`, at one byte per element; callers that know the element type check the
    /// bytes): [N, 1] and [1, N] ask for N² elements from two tiny inputs.
    public static func shape(_ shapes: [[Int]]) throws -> [Int] {
        let rank = shapes.map(\.count).max() ?? 0
        var result = [Int](repeating: 1, count: rank)
        for shape in shapes {
            let offset = rank - shape.count
            for (i, size) in shape.enumerated() {
                let current = result[offset + i]
                if size == current || size == 1 { continue }
                guard current == 1 else {
                    throw KernelError("shapes \(shapes.map { "\($0)" }.joined(separator: ", ")) cannot be broadcast")
                }
                result[offset + i] = size
            }
        }
        try ShapeMath.checkedCount(result, of: "broadcast shape")
        return result
    }

    /// Element strides of `shape` viewed as `target` (0 where a dimension is broadcast).
    public static func strides(of shape: [Int], broadcastTo target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for i in (0..<shape.count).reversed() {
            let t = target.count - shape.count + i
            strides[t] = shape[i] == 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// `op` applied elementwise to `a` and `b` broadcast together.
    public static func binary<A, B, R>(
        _ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], _ op: (A, B) -> R
    ) throws -> (values: [R], shape: [Int]) {
        if aShape == bShape { return (zip(a, b).map(op), aShape) }
        let shape = try self.shape([aShape, bShape])
        let count = try ShapeMath.checkedCount(shape, elementSize: MemoryLayout<R>.stride)
        if b.count == 1, a.count == count, let scalar = b.first { return (a.map { op($0, scalar) }, shape) }
        if a.count == 1, b.count == count, let scalar = a.first { return (b.map { op(scalar, $0) }, shape) }
        let sa = strides(of: aShape, broadcastTo: shape), sb = strides(of: bShape, broadcastTo: shape)
        var result = [R]()
        result.reserveCapacity(count)
        guard count > 0 else { return ([], shape) }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                forEachRow(shape) { row, inner in
                    var ia = 0, ib = 0
                    for d in 0..<row.count { ia += row[d] * sa[d]; ib += row[d] * sb[d] }
                    let stepA = sa.last ?? 0, stepB = sb.last ?? 0
                    for _ in 0..<inner {
                        result.append(op(pa[ia], pb[ib]))
                        ia += stepA
                        ib += stepB
                    }
                }
            }
        }
        return (result, shape)
    }

    /// Index positions for `count` output elements, as per-input flat offsets, for n-ary ops.
    public static func offsets(of inputShape: [Int], broadcastTo shape: [Int]) -> [Int] {
        let s = strides(of: inputShape, broadcastTo: shape)
        var offsets: [Int] = []
        offsets.reserveCapacity(shape.reduce(1, *))
        guard shape.reduce(1, *) > 0 else { return [] }
        forEachRow(shape) { row, inner in
            var base = 0
            for d in 0..<row.count { base += row[d] * s[d] }
            let step = s.last ?? 0
            for j in 0..<inner { offsets.append(base + j * step) }
        }
        return offsets
    }

    /// Calls `body` for each index of all but the last dimension (in C order) with the last
    /// dimension's size; a scalar shape is one row of one element. The index array is reused between
    /// calls, not reallocated per row.
    static func forEachRow(_ shape: [Int], _ body: ([Int], Int) -> Void) {
        guard let inner = shape.last else {
            body([], 1)
            return
        }
        let outer = Array(shape.dropLast())
        var index = [Int](repeating: 0, count: outer.count)
        let rows = outer.reduce(1, *)
        for _ in 0..<rows {
            body(index, inner)
            var d = outer.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outer[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }
}
