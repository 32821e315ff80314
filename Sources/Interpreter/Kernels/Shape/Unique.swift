import ONNX

/// Unique (11, 28): the distinct elements (or, with `axis`, distinct slices along that axis) of the
/// input — sorted ascending when `sorted=1` (the default), else in order of first occurrence — with the
/// int64 index of each one's first occurrence, the inverse map from every input element (slice) to its
/// unique entry, and the counts. Without `axis` the input is flattened. 28 only widens the types.
enum UniqueKernels {
    static let registrations = KernelRegistration.versions("Unique", [11, 28]) { context in
        let axis = try context.int("axis")
        let sorted = try context.int("sorted", default: 1) != 0
        return ClosureKernel { inputs, _ in
            var x = try ShapeInputs.tensor(inputs, 0, "X")
            var a = 0
            if let axis { a = try ShapeMath.axis(axis, rank: x.rank) } else { x.shape = [x.count] }
            let groups = try ShapeNumbers.withKeys(x, Grouping(
                dim: x.shape[a], inner: x.shape[(a + 1)...].reduce(1, *), outer: x.shape[..<a].reduce(1, *),
                sorted: sorted))
            let y = try GatherKernels.gather(x, indices: ShapeInputs.int64Tensor(groups.firsts), axis: a)
            return [.tensor(y), .tensor(ShapeInputs.int64Tensor(groups.firsts)),
                    .tensor(ShapeInputs.int64Tensor(groups.inverse)), .tensor(ShapeInputs.int64Tensor(groups.counts))]
        }
    }

    struct Groups {
        var firsts: [Int] = [], inverse: [Int] = [], counts: [Int] = []
    }

    struct Grouping: KeyedOperation {
        let dim: Int, inner: Int, outer: Int, sorted: Bool

        func apply<K: Comparable>(_ keys: [K]) throws -> Groups {
            // Slice j is keys[(o·dim + j)·inner + i] for all o, i, compared lexicographically.
            func compare(_ p: Int, _ q: Int) -> Int {
                for o in 0..<outer {
                    for i in 0..<inner {
                        let a = keys[(o * dim + p) * inner + i], b = keys[(o * dim + q) * inner + i]
                        if a < b { return -1 }
                        if b < a { return 1 }
                    }
                }
                return 0
            }
            let order = (0..<dim).sorted { p, q in
                let c = compare(p, q)
                return c != 0 ? c < 0 : p < q
            }
            var groupOf = [Int](repeating: 0, count: dim)
            var members: [[Int]] = []
            for (position, j) in order.enumerated() {
                if position > 0, compare(order[position - 1], j) == 0 {
                    members[members.count - 1].append(j)
                } else {
                    members.append([j])
                }
            }
            if !sorted { members.sort { $0[0] < $1[0] } }
            var groups = Groups()
            for (g, group) in members.enumerated() {
                groups.firsts.append(group[0])
                groups.counts.append(group.count)
                for j in group { groupOf[j] = g }
            }
            groups.inverse = groupOf
            return groups
        }
    }
}
