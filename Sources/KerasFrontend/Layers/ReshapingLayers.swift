import ONNX

/// Flatten, Reshape, Permute, RepeatVector and ZeroPadding1D/2D/3D, all on channels-last tensors as Keras
/// holds them (so Flatten keeps Keras's element order).
enum ReshapingLayers {
    /// Flatten in Keras's order, unless the input was just transposed to channels-last from a channels-first
    /// value (a Conv or pooling output): then that value is flattened as it is, and the output records the
    /// order of its features (`featureOrder`), which a following Dense folds into its kernel. A CNN with a
    /// Flatten head then needs no Transpose before it.
    private static func flatten(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let rest = x.shape.dropFirst().compactMap { $0 }
        let size: Int? = rest.count == x.rank - 1 ? rest.reduce(1, *) : nil
        let b = c.builder
        if x.rank >= 3, x.featureOrder == nil, size != nil, let transpose = b.producer(of: x.name), transpose.opType == "Transpose",
           case .ints(let perm)? = transpose.attribute("perm")?.value,
           perm == [0] + Array(2..<Int64(x.rank)) + [1], let source = transpose.inputs.first {
            let y = b.op("Flatten", [source], [.int("axis", 1)])
            return [KerasTensor(name: y, shape: [x.shape[0], size], featureOrder: channelsFirstOrder(Array(rest)))]
        }
        return [KerasTensor(name: b.op("Flatten", [x.name], [.int("axis", 1)]), shape: [x.shape.first ?? nil, size])]
    }

    /// For channels-last sizes [D1…, C]: the Keras (channels-last) flat index of each element of the
    /// channels-first flattening [C, D1…].
    static func channelsFirstOrder(_ sizes: [Int]) -> [Int] {
        guard let channels = sizes.last else { return [] }
        let spatial = sizes.dropLast().reduce(1, *)
        var order: [Int] = []
        order.reserveCapacity(channels * spatial)
        for channel in 0..<channels {
            for position in 0..<spatial { order.append(position * channels + channel) }
        }
        return order
    }

    static let mappings: [String: LayerMapping] = [
        "Flatten": flatten,
        "Reshape": { c in
            let x = try c.input()
            guard let target = c.config["target_shape"]?.array?.compactMap(\.int) else { throw c.fail("no target_shape") }
            let shape = c.builder.int64s("shape", [0] + target.map(Int64.init))
            let known = x.shape.dropFirst().allSatisfy { $0 != nil } ? x.shape.dropFirst().reduce(1) { $0 * ($1 ?? 1) } : nil
            let fixed = target.filter { $0 != -1 }.reduce(1, *)
            let dims: [Int?] = target.map { $0 == -1 ? known.map { $0 / max(fixed, 1) } : $0 }
            return [KerasTensor(name: c.builder.op("Reshape", [x.name, shape]), shape: [x.shape.first ?? nil] + dims)]
        },
        "Permute": { c in
            let x = try c.input()
            guard let dims = c.config["dims"]?.array?.compactMap(\.int), dims.count == x.rank - 1 else { throw c.fail("dims do not fit the input") }
            let perm = [0] + dims
            return [KerasTensor(name: c.builder.op("Transpose", [x.name], [.ints("perm", perm)]), shape: perm.map { x.shape[$0] })]
        },
        "RepeatVector": { c in
            let x = try c.input()
            let n = try c.int("n")
            let b = c.builder
            let expanded = b.op("Unsqueeze", [x.name, b.int64s("axes", [1])])
            let y = b.op("Tile", [expanded, b.int64s("repeats", [1, Int64(n), 1])])
            return [KerasTensor(name: y, shape: [x.shape[0], n] + x.shape.dropFirst())]
        },
        "ZeroPadding1D": { c in try zeroPadding(c, spatial: 1) },
        "ZeroPadding2D": { c in try zeroPadding(c, spatial: 2) },
        "ZeroPadding3D": { c in try zeroPadding(c, spatial: 3) },
    ]

    /// Pads (begin, end) per spatial axis: `padding` is n, (a, b) for 1-D, or one pair per axis.
    static func paddingPairs(_ c: LayerContext, key: String, spatial: Int) throws -> [(Int, Int)] {
        let value = c.config[key]
        if let n = value?.int { return [(Int, Int)](repeating: (n, n), count: spatial) }
        guard let list = value?.array else { throw c.fail("option '\(key)' is missing") }
        if spatial == 1, list.count == 2, let a = list[0].int, let b = list[1].int { return [(a, b)] }
        guard list.count == spatial else { throw c.fail("option '\(key)' has \(list.count) entries for \(spatial) axes") }
        return try list.map { item in
            if let n = item.int { return (n, n) }
            guard let pair = item.array?.compactMap(\.int), pair.count == 2 else { throw c.fail("option '\(key)' entry \(item) is not a pair") }
            return (pair[0], pair[1])
        }
    }

    private static func zeroPadding(_ c: LayerContext, spatial: Int) throws -> [KerasTensor] {
        let x = try c.input()
        guard x.rank == spatial + 2 else { throw c.fail("input rank \(x.rank) is not \(spatial + 2)") }
        let channelsFirst = try c.string("data_format", default: "channels_last") == "channels_first"
        let pairs = try paddingPairs(c, key: "padding", spatial: spatial)
        let first = channelsFirst ? 2 : 1
        var begin = [Int](repeating: 0, count: x.rank), end = begin
        var shape = x.shape
        for (i, pair) in pairs.enumerated() {
            begin[first + i] = pair.0
            end[first + i] = pair.1
            shape[first + i] = x.shape[first + i].map { $0 + pair.0 + pair.1 }
        }
        let pads = c.builder.int64s("pads", (begin + end).map(Int64.init))
        return [KerasTensor(name: c.builder.op("Pad", [x.name, pads]), shape: shape)]
    }
}
