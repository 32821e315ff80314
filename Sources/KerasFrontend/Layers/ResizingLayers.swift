import ONNX

/// Cropping1D/2D/3D and CenterCrop's crop as a Slice of the tensor in the layer's own layout; UpSampling1D/2D/3D,
/// Resizing and CenterCrop's resize as an ONNX Resize of the channels-first tensor (where the transposes
/// around it cancel against the convolutions' ones), with attributes that reproduce tf.image.resize.
enum ResizingLayers {
    static let mappings: [String: LayerMapping] = [
        "Cropping1D": { c in try cropping(c, spatial: 1) },
        "Cropping2D": { c in try cropping(c, spatial: 2) },
        "Cropping3D": { c in try cropping(c, spatial: 3) },
        "UpSampling1D": { c in try upSampling(c, spatial: 1) },
        "UpSampling2D": { c in try upSampling(c, spatial: 2) },
        "UpSampling3D": { c in try upSampling(c, spatial: 3) },
        "Resizing": resizing,
        "CenterCrop": centerCrop,
    ]

    /// Ends count back from the end of each axis, so unknown sizes crop too.
    private static func cropping(_ c: LayerContext, spatial: Int) throws -> [KerasTensor] {
        let input = try ConvolutionLayers.SpatialInput(c, spatial: spatial)
        let pairs = try ReshapingLayers.paddingPairs(c, key: "cropping", spatial: spatial)
        let first = input.channelsFirst ? 2 : 1
        var shape = input.x.shape
        for (i, (begin, end)) in pairs.enumerated() {
            guard begin >= 0, end >= 0 else { throw c.fail("cropping (\(begin), \(end)) is negative") }
            guard let size = shape[first + i] else { continue }
            guard begin + end < size else { throw c.fail("cropping (\(begin), \(end)) leaves nothing of \(size)") }
            shape[first + i] = size - begin - end
        }
        let y = slice(input.x.name, axes: pairs.indices.map { first + $0 }, starts: pairs.map { Int64($0.0) },
                      ends: pairs.map { $0.1 == 0 ? Int64.max : -Int64($0.1) }, c.builder)
        return [KerasTensor(name: y, shape: shape)]
    }

    /// Whole-number factors: Keras repeats each element (nearest) or resizes to in·factor, and the scales
    /// are exact, so Resize's output size floor(in·scale) is in·factor.
    private static func upSampling(_ c: LayerContext, spatial: Int) throws -> [KerasTensor] {
        let input = try ConvolutionLayers.SpatialInput(c, spatial: spatial)
        let factors = try c.sizes("size", count: spatial)
        let b = c.builder
        let interpolation = try c.string("interpolation", default: "nearest")
        let spatialOut = try zip(input.spatial, factors).map { size, factor in try size.map { try c.product([$0, factor], "upsampled size") } }
        let y: String
        if interpolation == "bicubic" {
            y = try bicubic(input.onnx(b), from: input.spatial, to: spatialOut, c)
        } else {
            let scales = b.floats("scales", [1, 1] + factors.map(Float.init), dims: [spatial + 2])
            y = b.op("Resize", [input.onnx(b), "", scales], try resizeAttributes(interpolation, c))
        }
        return [input.output(y, channels: input.channels, spatial: spatialOut, b)]
    }

    /// Resizing to height × width, after taking the centred crop with the target's aspect ratio
    /// (crop_to_aspect_ratio) or padding to it (pad_to_aspect_ratio, Keras 3).
    private static func resizing(_ c: LayerContext) throws -> [KerasTensor] {
        let input = try ConvolutionLayers.SpatialInput(c, spatial: 2)
        let target = [try c.size("height"), try c.size("width")]
        guard try !c.bool("antialias", default: false) else { throw c.fail("antialias is not supported") }
        let b = c.builder
        var y = input.onnx(b)
        var size = input.spatial
        if try c.bool("crop_to_aspect_ratio", default: false) {
            let known = try knownSize(input, c, for: "crop_to_aspect_ratio")
            let window = try aspectCrop(known, target: target, c)
            y = centerSlice(y, axes: [2, 3], size: known, window: window, b)
            size = window
        } else if try c.bool("pad_to_aspect_ratio", default: false) {
            let mode = try c.string("fill_mode", default: "constant")
            guard mode == "constant" else { throw c.fail("fill_mode '\(mode)' is not supported (constant is)") }
            let known = try knownSize(input, c, for: "pad_to_aspect_ratio")
            (y, size) = try aspectPad(y, size: known, target: target, value: try c.float("fill_value", default: 0), c)
        }
        y = try resize(y, from: size, to: target, interpolation: try c.string("interpolation", default: "bilinear"), c)
        return [input.output(y, channels: input.channels, spatial: target, b)]
    }

    /// CenterCrop: the centred height × width window; an input smaller than that along either axis is
    /// resized instead, as Keras's smart_resize does (the centred crop with the target's aspect ratio,
    /// bilinear).
    private static func centerCrop(_ c: LayerContext) throws -> [KerasTensor] {
        let input = try ConvolutionLayers.SpatialInput(c, spatial: 2)
        let target = [try c.size("height"), try c.size("width")]
        // Keras picks between cropping and resizing by the input size.
        let size = try knownSize(input, c, for: "CenterCrop")
        let b = c.builder
        if size[0] >= target[0] && size[1] >= target[1] {
            let first = input.channelsFirst ? 2 : 1
            let y = centerSlice(input.x.name, axes: [first, first + 1], size: size, window: target, b)
            var shape = input.x.shape
            shape.replaceSubrange(first...(first + 1), with: target)
            return [KerasTensor(name: y, shape: shape)]
        }
        let window = try aspectCrop(size, target: target, c)
        let cropped = centerSlice(input.onnx(b), axes: [2, 3], size: size, window: window, b)
        let y = try resize(cropped, from: window, to: target, interpolation: "bilinear", c)
        return [input.output(y, channels: input.channels, spatial: target, b)]
    }

    /// Resize attributes that reproduce tf.image.resize without antialiasing, which samples at half-pixel
    /// centres (bicubic is `bicubic`).
    static func resizeAttributes(_ interpolation: String, _ c: LayerContext) throws -> [Attribute] {
        let halfPixel = Attribute.string("coordinate_transformation_mode", "half_pixel")
        switch interpolation {
        case "nearest":
            // TensorFlow reads input floor((x + 0.5)·in/out): the half-pixel coordinate rounded half up.
            return [.string("mode", "nearest"), halfPixel, .string("nearest_mode", "round_prefer_ceil")]
        case "bilinear":
            return [.string("mode", "linear"), halfPixel]
        default:
            throw c.fail("interpolation '\(interpolation)' is not supported (nearest, bilinear and bicubic are)")
        }
    }

    /// Resize of the last two axes of channels-first `x` from `size` to `target`, given as sizes: scales
    /// out/in would not always give back the size when multiplied.
    private static func resize(_ x: String, from size: [Int?], to target: [Int], interpolation: String, _ c: LayerContext) throws -> String {
        if interpolation == "bicubic" { return try bicubic(x, from: size, to: target, c) }
        let b = c.builder
        let attributes = try resizeAttributes(interpolation, c)
        let leading = b.op("Slice", [b.op("Shape", [x]), b.int64s("starts", [0]), b.int64s("ends", [2])])
        let sizes = b.op("Concat", [leading, b.int64s("size", target.map(Int64.init))], [.int("axis", 0)])
        return b.op("Resize", [x, "", "", sizes], attributes)
    }

    /// TensorFlow's bicubic resize of the last two axes of channels-first `x`, as one matrix product per
    /// axis ([N, C, H, W] · [W, W'], then [H', H] · that). ONNX Resize's cubic mode evaluates Keys's kernel
    /// exactly, TensorFlow reads it from a table, which differs by up to ~1e-3.
    private static func bicubic(_ x: String, from size: [Int?], to target: [Int?], _ c: LayerContext) throws -> String {
        guard let h = size[0], let w = size[1], let outH = target[0], let outW = target[1] else {
            throw c.fail("bicubic interpolation needs a known input height and width")
        }
        let b = c.builder
        try c.checkAllocation([outW, w], "bicubic column weights")
        try c.checkAllocation([outH, h], "bicubic row weights")
        let columns = TensorFlowBicubic.weights(input: w, output: outW)
        var columnsT = [Float](repeating: 0, count: columns.count)
        for o in 0..<outW { for i in 0..<w { columnsT[i * outW + o] = columns[o * w + i] } }
        let wide = b.op("MatMul", [x, b.floats("bicubic_columns", columnsT, dims: [w, outW])])
        let rows = b.floats("bicubic_rows", TensorFlowBicubic.weights(input: h, output: outH), dims: [outH, h])
        return b.op("MatMul", [rows, wide])
    }

    /// The centred window with the target's aspect ratio that Keras crops (sizes truncated, at least 1).
    static func aspectCrop(_ size: [Int], target: [Int], _ c: LayerContext) throws -> [Int] {
        let (tall, wide) = (try c.product([size[1], target[0]], "crop size"), try c.product([size[0], target[1]], "crop size"))
        return [max(min(size[0], tall / target[1]), 1), max(min(size[1], wide / target[0]), 1)]
    }

    /// Keras 3's pad_to_aspect_ratio on the last two axes of channels-first `x`: the padded size is
    /// truncated, and the same half of the difference goes on both sides (so an odd difference loses one).
    /// Returns the padded value and its size.
    private static func aspectPad(_ x: String, size: [Int], target: [Int], value: Float, _ c: LayerContext) throws -> (String, [Int?]) {
        let b = c.builder
        let (tall, wide) = (try c.product([size[1], target[0]], "padded size"), try c.product([size[0], target[1]], "padded size"))
        let padded = [max(size[0], tall / target[1]), max(size[1], wide / target[0])]
        let each = zip(padded, size).map { ($0 - $1) / 2 }
        guard each.contains(where: { $0 > 0 }) else { return (x, size) }
        let pads = b.int64s("pads", ([0, 0] + each + [0, 0] + each).map(Int64.init))
        return (b.op("Pad", [x, pads, b.scalar("fill_value", value)]), zip(size, each).map { $0 + 2 * $1 })
    }

    /// The centred `window` of `size` along `axes`.
    private static func centerSlice(_ x: String, axes: [Int], size: [Int], window: [Int], _ b: GraphBuilder) -> String {
        let starts = zip(size, window).map { Int64(($0 - $1) / 2) }
        return slice(x, axes: axes, starts: starts, ends: zip(starts, window).map { $0 + Int64($1) }, b)
    }

    private static func slice(_ x: String, axes: [Int], starts: [Int64], ends: [Int64], _ b: GraphBuilder) -> String {
        b.op("Slice", [x, b.int64s("starts", starts), b.int64s("ends", ends), b.int64s("axes", axes.map(Int64.init))])
    }

    /// Height and width, which the crop and pad sizes depend on.
    private static func knownSize(_ input: ConvolutionLayers.SpatialInput, _ c: LayerContext, for what: String) throws -> [Int] {
        let size = input.spatial.compactMap { $0 }
        guard size.count == 2 else {
            let shown = input.spatial.map { $0.map(String.init) ?? "?" }.joined(separator: "×")
            throw c.fail("\(what) needs a known input height and width, got \(shown)")
        }
        return size
    }
}

/// The weights of TensorFlow's ResizeBicubic with half-pixel centres (resize_bicubic_op.cc): Keys's cubic
/// with a = −0.5, sampled from a table of 1024 steps per unit; taps outside the input weigh 0 and the others
/// are renormalised to sum to 1. Float arithmetic where TensorFlow uses float.
enum TensorFlowBicubic {
    static let steps = 1024

    /// The kernel at t and at t + 1 for t = i/steps, as TensorFlow tabulates it (in double, stored as float).
    private static let table: [(near: Float, far: Float)] = (0...steps).map { i in
        let a = -0.5, t = Double(i) / Double(steps), u = t + 1
        return (Float(((a + 2) * t - (a + 3)) * t * t + 1), Float(((a * u - 5 * a) * u + 8 * a) * u - 4 * a))
    }

    /// [output, input] row-major: output position o reads input i with weight [o·input + i].
    static func weights(input: Int, output: Int) -> [Float] {
        let scale = Float(input) / Float(output)
        var matrix = [Float](repeating: 0, count: output * input)
        for o in 0..<output {
            let position = (Float(o) + 0.5) * scale - 0.5
            let base = Int(position.rounded(.down))
            let offset = Int(((position - Float(base)) * Float(steps)).rounded(.toNearestOrEven))
            let taps: [(index: Int, weight: Float)] = [
                (base - 1, table[offset].far), (base, table[offset].near),
                (base + 1, table[steps - offset].near), (base + 2, table[steps - offset].far),
            ].filter { $0.index >= 0 && $0.index < input }
            let sum = taps.reduce(Float(0)) { $0 + $1.weight }
            let norm: Float = abs(sum) >= 1000 * Float.leastNormalMagnitude ? 1 / sum : 1
            for tap in taps { matrix[o * input + tap.index] += tap.weight * norm }
        }
        return matrix
    }
}
