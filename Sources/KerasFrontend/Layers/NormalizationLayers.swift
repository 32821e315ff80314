import Foundation
import Limits
import ONNX

/// BatchNormalization (inference: the moving statistics folded into one scale and shift per channel, applied
/// on the channels-last tensor with broadcasting, so no layout change), LayerNormalization, GroupNormalization,
/// UnitNormalization and the preprocessing Normalization.
enum NormalizationLayers {
    static let mappings: [String: LayerMapping] = [
        "BatchNormalization": batchNormalization,
        "LayerNormalization": layerNormalization,
        "GroupNormalization": groupNormalization,
        "UnitNormalization": unitNormalization,
        "Normalization": normalization,
    ]

    private static func axis(_ c: LayerContext, rank: Int) throws -> Int {
        if let list = c.config["axis"]?.array, list.count > 1 {
            throw c.fail("normalisation over several axes \(JSONValue.array(list)) is not supported")
        }
        return try c.axis("axis", rank: rank, default: -1)
    }

    /// Per-channel constants shaped to broadcast along `axis` of a rank-`rank` tensor.
    private static func channelDims(_ count: Int, axis: Int, rank: Int) -> [Int] {
        (0..<rank).map { $0 == axis ? count : 1 }.dropFirst().map { $0 }
    }

    /// y = x·a + b with a = γ/√(var + ε), b = β − mean·a (weights: γ if scale, β if center, mean, variance).
    private static func batchNormalization(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let axis = try axis(c, rank: x.rank)
        guard let channels = x.shape[axis] else { throw c.fail("the channel axis must have a known size") }
        let scale = try c.bool("scale", default: true), center = try c.bool("center", default: true)
        let epsilon = Double(try c.nonNegativeFinite("epsilon", default: 1e-3))
        var index = 0
        func next(_ what: String) throws -> [Float] {
            defer { index += 1 }
            return try c.weight(index, what, shape: [channels]).values
        }
        let gamma = scale ? try next("gamma") : [Float](repeating: 1, count: channels)
        let beta = center ? try next("beta") : [Float](repeating: 0, count: channels)
        let mean = try next("moving_mean"), variance = try next("moving_variance")
        guard index == c.weights.count else { throw KerasError.weights(c.layer.id, "\(c.weights.count) arrays, expected \(index)") }
        var a = [Float](repeating: 0, count: channels), shift = a
        for i in 0..<channels {
            let factor = Double(gamma[i]) / (Double(variance[i]) + epsilon).squareRoot()
            a[i] = Float(factor)
            shift[i] = Float(Double(beta[i]) - Double(mean[i]) * factor)
        }
        let dims = channelDims(channels, axis: axis, rank: x.rank)
        let b = c.builder
        let y = b.op("Add", [b.op("Mul", [x.name, b.floats("scale", a, dims: dims)]), b.floats("shift", shift, dims: dims)])
        return [KerasTensor(name: y, shape: x.shape)]
    }

    /// The preprocessing Normalization: (x − mean) / max(√variance, 1e-7), or with `invert` x·√variance + mean
    /// (Keras's epsilon is 1e-7). The statistics come from the config when given there, else from the
    /// adapted weights (mean, variance, count).
    private static func normalization(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let axis = try axis(c, rank: x.rank)
        guard let channels = x.shape[axis] else { throw c.fail("the normalised axis must have a known size") }
        func statistic(_ key: String, _ index: Int) throws -> [Float] {
            if let list = c.config[key]?.array {
                let values = list.compactMap(\.double).map(Float.init)
                guard values.count == list.count else { throw c.fail("option '\(key)' must be a list of numbers, got \(JSONValue.array(list))") }
                guard values.count == 1 || values.count == channels else {
                    throw c.fail("option '\(key)' has \(values.count) values for \(channels) channels")
                }
                return values.count == 1 ? [Float](repeating: values[0], count: channels) : values
            }
            if let single = c.config[key]?.double { return [Float](repeating: Float(single), count: channels) }
            let weight = try c.weight(index, key)
            guard weight.values.count == channels else { throw KerasError.weights(c.layer.id, "\(key) has \(weight.values.count) values for \(channels) channels") }
            return weight.values
        }
        let mean = try statistic("mean", 0), variance = try statistic("variance", 1)
        let spread = variance.map { max(Float(Double($0).squareRoot()), 1e-7) }
        let dims = channelDims(channels, axis: axis, rank: x.rank)
        let b = c.builder
        let m = b.floats("mean", mean, dims: dims), s = b.floats("spread", spread, dims: dims)
        let y = try c.bool("invert", default: false)
            ? b.op("Add", [b.op("Mul", [x.name, s]), m])
            : b.op("Div", [b.op("Sub", [x.name, m]), s])
        return [KerasTensor(name: y, shape: x.shape)]
    }

    /// LayerNormalization over the last axis (opset 17's op; mean and variance spelled out before that).
    private static func layerNormalization(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let axis = try axis(c, rank: x.rank)
        guard axis == x.rank - 1, let width = x.shape[axis] else { throw c.fail("only the last axis, of known size, is supported") }
        let epsilon = try c.nonNegativeFinite("epsilon", default: 1e-3)
        let scale = try c.bool("scale", default: true), center = try c.bool("center", default: true)
        let gamma = scale ? try c.weight(0, "gamma", shape: [width]).values : [Float](repeating: 1, count: width)
        let beta = center ? try c.weight(scale ? 1 : 0, "beta", shape: [width]).values : [Float](repeating: 0, count: width)
        let b = c.builder
        let g = b.floats("gamma", gamma, dims: [width]), s = b.floats("beta", beta, dims: [width])
        if b.opset >= 17 {
            return [KerasTensor(name: b.op("LayerNormalization", [x.name, g, s], [.int("axis", -1), .float("epsilon", epsilon)]), shape: x.shape)]
        }
        let mean = PoolingLayers.reduce("ReduceMean", x.name, axes: [-1], keepDims: true, b)
        let centered = b.op("Sub", [x.name, mean])
        let variance = PoolingLayers.reduce("ReduceMean", b.op("Mul", [centered, centered]), axes: [-1], keepDims: true, b)
        let normalized = b.op("Div", [centered, b.op("Sqrt", [b.op("Add", [variance, b.scalar("epsilon", epsilon)])])])
        return [KerasTensor(name: b.op("Add", [b.op("Mul", [normalized, g]), s]), shape: x.shape)]
    }

    /// GroupNormalization: the channels split into `groups` blocks of C/G, each normalised with the mean and
    /// variance over its block and all non-batch axes, then γ and β per channel. Spelled out with Reshape and
    /// ReduceMean rather than ONNX GroupNormalization, which exists only from opset 18, changed its scale from
    /// per-group to per-channel in 21, and wants channels first.
    private static func groupNormalization(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let axis = try axis(c, rank: x.rank)
        guard let channels = x.shape[axis] else { throw c.fail("the channel axis must have a known size") }
        // Keras: -1 is one group per channel.
        let configured = c.config["groups"]?.int == -1 ? -1 : try c.size("groups", default: 32)
        let groups = configured == -1 ? channels : configured
        guard channels % groups == 0 else { throw c.fail("\(channels) channels do not split into \(configured) groups") }
        let epsilon = try c.nonNegativeFinite("epsilon", default: 1e-3)
        let scale = try c.bool("scale", default: true), center = try c.bool("center", default: true)
        let gamma = scale ? try c.weight(0, "gamma", shape: [channels]).values : nil
        let beta = center ? try c.weight(scale ? 1 : 0, "beta", shape: [channels]).values : nil
        guard c.weights.count == (scale ? 1 : 0) + (center ? 1 : 0) else {
            throw KerasError.weights(c.layer.id, "\(c.weights.count) arrays, expected gamma if scale and beta if center")
        }
        let b = c.builder
        // [N, before…, C, after…] → [N, B, G, C/G, A]: the statistics are over axes 1, 3 and 4.
        func product(_ sizes: ArraySlice<Int?>) -> Int? { sizes.contains(nil) ? nil : ShapeArithmetic.product(sizes.compactMap { $0 }) }
        let before = product(x.shape[1..<axis]), after = product(x.shape[(axis + 1)...])
        guard before != nil || after != nil else { throw c.fail("the axes before and after the channels cannot both have unknown sizes") }
        let grouped: [Int64] = [0, Int64(before ?? -1), Int64(groups), Int64(channels / groups), Int64(after ?? -1)]
        let xg = b.op("Reshape", [x.name, b.int64s("grouped_shape", grouped)])
        let mean = PoolingLayers.reduce("ReduceMean", xg, axes: [1, 3, 4], keepDims: true, b)
        let centered = b.op("Sub", [xg, mean])
        let variance = PoolingLayers.reduce("ReduceMean", b.op("Mul", [centered, centered]), axes: [1, 3, 4], keepDims: true, b)
        let normalized = b.op("Div", [centered, b.op("Sqrt", [b.op("Add", [variance, b.scalar("epsilon", epsilon)])])])
        var y = b.op("Reshape", [normalized, b.op("Shape", [x.name])])
        let dims = channelDims(channels, axis: axis, rank: x.rank)
        if let gamma { y = b.op("Mul", [y, b.floats("gamma", gamma, dims: dims)]) }
        if let beta { y = b.op("Add", [y, b.floats("beta", beta, dims: dims)]) }
        return [KerasTensor(name: y, shape: x.shape)]
    }

    /// UnitNormalization: x / ‖x‖₂ over `axis` (an integer or a list).
    private static func unitNormalization(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let value = c.config["axis"] ?? .number(-1)
        guard let raw = value.int.map({ [$0] }) ?? value.array?.compactMap(\.int), raw.count == (value.array?.count ?? 1) else {
            throw c.fail("option 'axis' must be an axis or a list of axes, got \(value)")
        }
        let axes = raw.map { $0 < 0 ? $0 + x.rank : $0 }
        guard !axes.isEmpty, axes.allSatisfy({ (1..<x.rank).contains($0) }), Set(axes).count == axes.count else {
            throw c.fail("option 'axis' is \(value), which is not a set of axes of a rank-\(x.rank) input other than the batch axis")
        }
        let y = l2Normalize(x.name, axes: axes, epsilon: 1e-12, kerasVersion: c.kerasVersion, c.builder)
        return [KerasTensor(name: y, shape: x.shape)]
    }

    /// x / ‖x‖₂ over `axes`, kept finite the way each Keras does it: Keras 3's `normalize` floors the norm at
    /// ε (x·min(1/√Σx², 1/ε)), tf.keras's `l2_normalize` floors the sum of squares (x/√max(Σx², ε)). Shared
    /// with Dot's `normalize`.
    static func l2Normalize(_ x: String, axes: [Int], epsilon: Float, kerasVersion: Int, _ b: GraphBuilder) -> String {
        let squares = PoolingLayers.reduce("ReduceSumSquare", x, axes: axes, keepDims: true, b)
        let floor = b.scalar("epsilon", epsilon)
        let norm = kerasVersion >= 3
            ? b.op("Max", [b.op("Sqrt", [squares]), floor])
            : b.op("Sqrt", [b.op("Max", [squares, floor])])
        return b.op("Div", [x, norm])
    }
}
