import Limits
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
        let size: Int? = rest.count == x.rank - 1 ? try c.product(rest, "flattened size") : nil
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
        // The sizes are those of a tensor that passed the memory-budget check, so the product fits.
        let spatial = ShapeArithmetic.product(sizes.dropLast()) ?? 0
        var order: [Int] = []
        order.reserveCapacity(channels * spatial)
        for channel in 0..<channels {
            for position in 0..<spatial { order.append(position * channels + channel) }
        }
        return order
    }

    static let mappings: [String: LayerMapping] = [
        "Flatten": flatten,
        "Reshape": reshape,
        "Permute": { c in
            let x = try c.input()
            let perm = [0] + (try c.permutation("dims", count: x.rank - 1))
            return [KerasTensor(name: c.builder.op("Transpose", [x.name], [.ints("perm", perm)]), shape: perm.map { x.shape[$0] })]
        },
        "RepeatVector": { c in
            let x = try c.input()
            let n = try c.size("n")
            let b = c.builder
            let expanded = b.op("Unsqueeze", [x.name, b.int64s("axes", [1])])
            let y = b.op("Tile", [expanded, b.int64s("repeats", [1, Int64(n), 1])])
            return [KerasTensor(name: y, shape: [x.shape[0], n] + x.shape.dropFirst())]
        },
        "ZeroPadding1D": { c in try zeroPadding(c, spatial: 1) },
        "ZeroPadding2D": { c in try zeroPadding(c, spatial: 2) },
        "ZeroPadding3D": { c in try zeroPadding(c, spatial: 3) },
    ]

    /// Pads (begin, end) per spatial axis: `padding` is n, (a, b) for 1-D, or one pair per axis; each a
    /// whole number in 0...LayerContext.maxSize.
    static func paddingPairs(_ c: LayerContext, key: String, spatial: Int) throws -> [(Int, Int)] {
        guard let value = c.config[key], !value.isNull else { throw c.fail("option '\(key)' is missing") }
        let pairs = try pairs(of: value, key: key, spatial: spatial, c)
        guard pairs.allSatisfy({ (0...LayerContext.maxSize).contains($0.0) && (0...LayerContext.maxSize).contains($0.1) }) else {
            throw c.fail("option '\(key)' must be non-negative integers up to \(LayerContext.maxSize), got \(value)")
        }
        return pairs
    }

    private static func pairs(of value: JSONValue, key: String, spatial: Int, _ c: LayerContext) throws -> [(Int, Int)] {
        if value.double != nil {
            let n = try c.integer(value, key: key)
            return [(Int, Int)](repeating: (n, n), count: spatial)
        }
        guard let list = value.array else { throw c.fail("option '\(key)' must be an integer or a list, got \(value)") }
        if spatial == 1, list.count == 2, let a = list[0].int, let b = list[1].int { return [(a, b)] }
        guard list.count == spatial else { throw c.fail("option '\(key)' has \(list.count) entries for \(spatial) axes") }
        return try list.map { item in
            if let n = item.int { return (n, n) }
            guard let pair = item.array?.compactMap(\.int), pair.count == 2, item.array?.count == 2 else {
                throw c.fail("option '\(key)' must be integers or pairs of integers, got \(value)")
            }
            return (pair[0], pair[1])
        }
    }

    /// Reshape to `target_shape` (the batch axis kept): sizes ≥ 1 and at most one -1, whose product must fit
    /// the input when its size is known.
    private static func reshape(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        guard let value = c.config["target_shape"], let list = value.array, !list.isEmpty else {
            throw c.fail("option 'target_shape' is missing or not a list")
        }
        let target = try list.map { item -> Int in
            guard item.double != nil else { throw c.fail("option 'target_shape' must be a list of integers, got \(value)") }
            return try c.integer(item, key: "target_shape")
        }
        guard target.allSatisfy({ $0 == -1 || (1...LayerContext.maxSize).contains($0) }), target.filter({ $0 == -1 }).count <= 1 else {
            throw c.fail("option 'target_shape' is \(value); each size must be -1 or 1…\(LayerContext.maxSize), with at most one -1")
        }
        let fixed = try c.product(target.filter { $0 != -1 }, "target_shape")
        let rest = x.shape.dropFirst()
        let known = rest.contains(nil) ? nil : ShapeArithmetic.product(rest.compactMap { $0 })
        if let known, known % fixed != 0 || (!target.contains(-1) && known != fixed) {
            throw c.fail("option 'target_shape' is \(value), which does not hold the input's \(known) values per sample")
        }
        let dims: [Int?] = target.map { $0 == -1 ? known.map { $0 / fixed } : $0 }
        let shape = c.builder.int64s("shape", [0] + target.map(Int64.init))
        return [KerasTensor(name: c.builder.op("Reshape", [x.name, shape]), shape: [x.shape.first ?? nil] + dims)]
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
