import ONNX

/// MaxPooling and AveragePooling 1D/2D/3D ('same' averages count only the input, as Keras does) and the
/// global poolings (keepdims), which reduce channels-last tensors in place.
enum PoolingLayers {
    static let mappings: [String: LayerMapping] = {
        var table: [String: LayerMapping] = [:]
        for spatial in 1...3 {
            table["MaxPooling\(spatial)D"] = { c in try pool(c, "MaxPool", spatial: spatial) }
            table["AveragePooling\(spatial)D"] = { c in try pool(c, "AveragePool", spatial: spatial) }
            table["GlobalMaxPooling\(spatial)D"] = { c in try globalPool(c, "ReduceMax", spatial: spatial) }
            table["GlobalAveragePooling\(spatial)D"] = { c in try globalPool(c, "ReduceMean", spatial: spatial) }
        }
        // Keras 2 aliases.
        table["MaxPool2D"] = table["MaxPooling2D"]
        table["AvgPool2D"] = table["AveragePooling2D"]
        return table
    }()

    private static func pool(_ c: LayerContext, _ op: String, spatial: Int) throws -> [KerasTensor] {
        let input = try ConvolutionLayers.SpatialInput(c, spatial: spatial)
        let size = try c.sizes("pool_size", count: spatial)
        var w = try ConvolutionLayers.window(c, spatial: spatial, kernelKey: "pool_size", stridesDefault: size)
        w.dilations = [Int](repeating: 1, count: spatial)
        let b = c.builder
        let y = b.op(op, [input.onnx(b)], w.attributes(input: input.spatial))
        return [input.output(y, channels: input.channels, spatial: w.output(input: input.spatial), b)]
    }

    private static func globalPool(_ c: LayerContext, _ op: String, spatial: Int) throws -> [KerasTensor] {
        let x = try c.input()
        guard x.rank == spatial + 2 else { throw c.fail("input rank \(x.rank) is not \(spatial + 2)") }
        let channelsFirst = try c.string("data_format", default: "channels_last") == "channels_first"
        let keep = try c.bool("keepdims", default: false)
        let axes = channelsFirst ? Array(2..<x.rank) : Array(1...spatial)
        let y = reduce(op, x.name, axes: axes, keepDims: keep, c.builder)
        let shape = keep ? x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
                         : x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return [KerasTensor(name: y, shape: shape)]
    }

    /// A Reduce op: axes as an attribute before opset 18, as an input from 18 on.
    static func reduce(_ op: String, _ x: String, axes: [Int], keepDims: Bool, _ b: GraphBuilder) -> String {
        if b.opset >= 18 {
            return b.op(op, [x, b.int64s("axes", axes.map(Int64.init))], [.int("keepdims", keepDims ? 1 : 0)])
        }
        return b.op(op, [x], [.ints("axes", axes), .int("keepdims", keepDims ? 1 : 0)])
    }
}
