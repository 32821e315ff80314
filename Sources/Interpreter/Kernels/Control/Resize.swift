import Foundation
import ONNX

/// Resize (10, 11, 13, 18, 19): resizes X by `scales` or to `sizes`, one axis at a time (the modes are
/// separable), following onnx's reference: each output coordinate is mapped back to the input by
/// `coordinate_transformation_mode`, then interpolated with nearest, linear or cubic taps.
/// - 10: inputs (X, scales); modes nearest/linear; coordinates "asymmetric", nearest rounds down when
///   upsampling and up when downsampling (onnxruntime's "simple"), as Upsample does.
/// - 11: inputs (X, roi, scales, sizes); adds coordinate_transformation_mode (incl. tf_crop_and_resize
///   with roi and extrapolation_value), cubic mode with cubic_coeff_a and exclude_outside, nearest_mode.
/// - 13: scales and roi become optional (empty tensors count as absent); same semantics.
/// - 18: adds `axes`, `antialias` (linear/cubic downsampling widens the filter) and
///   `keep_aspect_ratio_policy` (stretch / not_larger / not_smaller, for sizes).
/// - 19: adds coordinate mode half_pixel_symmetric (accepted here for every version).
enum ResizeKernels {
    static let registrations: [KernelRegistration] =
        [KernelRegistration("Resize", since: 10) { node in
            let mode = try ResizeMode(node.string("mode", default: "nearest"))
            return ResizeKernel(options: ResizeOptions(mode: mode, coordinates: .asymmetric, nearest: .simple),
                                layout: .scalesOnly)
        }]
        + KernelRegistration.versions("Resize", [11, 13, 18, 19]) { node in
            ResizeKernel(options: try ResizeOptions(node), layout: .roiScalesSizes)
        }
}

enum ResizeMode: Sendable {
    case nearest, linear, cubic
    init(_ name: String) throws {
        switch name {
        case "nearest": self = .nearest
        case "linear", "bilinear", "trilinear": self = .linear
        case "cubic", "bicubic": self = .cubic
        default: throw KernelError("unsupported mode '\(name)'")
        }
    }
}

enum ResizeCoordinates: String, Sendable {
    case halfPixel = "half_pixel", halfPixelSymmetric = "half_pixel_symmetric"
    case pytorchHalfPixel = "pytorch_half_pixel", alignCorners = "align_corners"
    case asymmetric, tfCropAndResize = "tf_crop_and_resize"
}

enum ResizeNearest: String, Sendable {
    case roundPreferFloor = "round_prefer_floor", roundPreferCeil = "round_prefer_ceil", floor, ceil
    /// Resize-10 / Upsample: floor when upsampling, ceil when downsampling.
    case simple
}

struct ResizeOptions: Sendable {
    var mode: ResizeMode
    var coordinates: ResizeCoordinates
    var nearest: ResizeNearest
    var cubicA: Double = -0.75
    var excludeOutside = false
    var extrapolationValue: Float = 0
    var antialias = false
    var axes: [Int]? = nil
    var keepAspectRatio = "stretch"

    init(mode: ResizeMode, coordinates: ResizeCoordinates, nearest: ResizeNearest) {
        self.mode = mode
        self.coordinates = coordinates
        self.nearest = nearest
    }

    init(_ node: NodeContext) throws {
        mode = try ResizeMode(node.string("mode", default: "nearest"))
        let c = try node.string("coordinate_transformation_mode", default: "half_pixel")
        guard let coordinates = ResizeCoordinates(rawValue: c) else { throw KernelError("unsupported coordinate_transformation_mode '\(c)'") }
        self.coordinates = coordinates
        let n = try node.string("nearest_mode", default: "round_prefer_floor")
        guard let nearest = ResizeNearest(rawValue: n), nearest != .simple else { throw KernelError("unsupported nearest_mode '\(n)'") }
        self.nearest = nearest
        cubicA = Double(try node.float("cubic_coeff_a", default: -0.75))
        excludeOutside = try node.int("exclude_outside", default: 0) != 0
        extrapolationValue = try node.float("extrapolation_value", default: 0)
        if node.opset >= 18 {
            antialias = try node.int("antialias", default: 0) != 0
            axes = try node.ints("axes")
            keepAspectRatio = try node.string("keep_aspect_ratio_policy", default: "stretch")
            guard ["stretch", "not_larger", "not_smaller"].contains(keepAspectRatio) else {
                throw KernelError("unsupported keep_aspect_ratio_policy '\(keepAspectRatio)'")
            }
        }
        if antialias && mode == .nearest { throw KernelError("antialias is not supported for mode nearest") }
    }
}

/// Taps of one axis: for each output index, `n` source indices (clamped) with weights, and whether
/// the position is outside the crop (tf_crop_and_resize) and takes the extrapolation value.
struct ResizeAxisTaps {
    var n: Int
    var indices: [Int]
    var weights: [Float]
    var extrapolated: [Bool]

    /// Taps for resizing `input` positions to `output` with `scale` (and crop `roi` = (start, end)).
    static func make(input: Int, output: Int, scale: Double, roi: (Double, Double)?, options: ResizeOptions) throws -> ResizeAxisTaps {
        let outputWidth = scale * Double(input)
        var taps = ResizeAxisTaps(n: 0, indices: [], weights: [], extrapolated: [Bool](repeating: false, count: output))
        for y in 0..<output {
            let yd = Double(y)
            var x: Double
            switch options.coordinates {
            case .alignCorners: x = outputWidth == 1 ? 0 : yd * Double(input - 1) / (outputWidth - 1)
            case .asymmetric: x = yd / scale
            case .tfCropAndResize:
                guard let (start, end) = roi else { throw KernelError("tf_crop_and_resize needs roi") }
                x = outputWidth == 1 ? (end - start) * Double(input - 1) / 2 : yd * (end - start) * Double(input - 1) / (outputWidth - 1)
                x += start * Double(input - 1)
                if x < 0 || x > Double(input - 1) { taps.extrapolated[y] = true }
            case .pytorchHalfPixel: x = outputWidth == 1 ? -0.5 : (yd + 0.5) / scale - 0.5
            case .halfPixel: x = (yd + 0.5) / scale - 0.5
            case .halfPixelSymmetric:
                let adjustment = Double(output) / outputWidth
                let offset = Double(input) / 2 * (1 - adjustment)
                x = offset + (yd + 0.5) / scale - 0.5
            }
            let xFloor = x.rounded(.down)
            let ratio = x == xFloor ? 1 : x - xFloor
            var coefficients: [Double]
            switch options.mode {
            case .nearest:
                if ratio == 1 || ratio.rounded(.down) == ratio {
                    coefficients = [0, 1]
                } else {
                    switch options.nearest {
                    case .roundPreferFloor: coefficients = ratio <= 0.5 ? [1, 0] : [0, 1]
                    case .roundPreferCeil: coefficients = ratio < 0.5 ? [1, 0] : [0, 1]
                    case .floor: coefficients = [1, 0]
                    case .ceil: coefficients = [0, 1]
                    case .simple: coefficients = scale < 1 ? [0, 1] : [1, 0]
                    }
                }
            case .linear:
                if options.antialias {
                    let s = min(scale, 1)
                    let start = Int((-1 / s).rounded(.down)) + 1
                    let footprint = 2 - 2 * start
                    coefficients = (start..<(start + footprint)).map { i in min(1, max(0, 1 - abs((Double(i) - ratio) * s))) }
                    let sum = coefficients.reduce(0, +)
                    coefficients = coefficients.map { $0 / sum }
                } else {
                    coefficients = [1 - ratio, ratio]
                }
            case .cubic:
                let a = options.cubicA
                if options.antialias {
                    let s = min(scale, 1)
                    let start = Int((-2 / s).rounded(.down)) + 1
                    let end = 2 - start
                    coefficients = (start..<end).map { i in
                        let v = abs(s * (Double(i) - ratio))
                        if v <= 1 { return (a + 2) * v * v * v - (a + 3) * v * v + 1 }
                        if v < 2 { return a * v * v * v - 5 * a * v * v + 8 * a * v - 4 * a }
                        return 0
                    }
                    let sum = coefficients.reduce(0, +)
                    coefficients = coefficients.map { $0 / sum }
                } else {
                    let r = ratio, q = 1 - ratio
                    coefficients = [
                        ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
                        ((a + 2) * r - (a + 3)) * r * r + 1,
                        ((a + 2) * q - (a + 3)) * q * q + 1,
                        ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a,
                    ]
                }
            }
            let n = coefficients.count
            let pad = (n + 1) / 2
            let xPadded = x + Double(pad)
            let p = xPadded.rounded(.down)
            let frac = xPadded - p
            let offset: Int
            if n % 2 == 0 {
                offset = frac == 0 ? -(n / 2) : -(n / 2) + 1
            } else {
                let base = -((n - 1) / 2)
                offset = frac <= 0.5 ? base : base + 1
            }
            let first = Int(p) + offset - pad
            if options.excludeOutside {
                for k in 0..<n where first + k < 0 || first + k >= input { coefficients[k] = 0 }
                var sum = coefficients.reduce(0, +)
                if sum == 0 { sum = 1 }
                coefficients = coefficients.map { $0 / sum }
            }
            if options.mode == .nearest {
                // One tap: the neighbour whose coefficient is 1.
                let k = coefficients[0] != 0 ? 0 : 1
                taps.n = 1
                taps.indices.append(min(max(first + k, 0), input - 1))
                taps.weights.append(1)
            } else {
                taps.n = n
                for k in 0..<n {
                    taps.indices.append(min(max(first + k, 0), input - 1))
                    taps.weights.append(Float(coefficients[k]))
                }
            }
        }
        return taps
    }
}

/// The resize computation shared by Resize and Upsample.
enum ResizeCore {
    /// Resizes `x` to `outputSize` with full-rank `scales` (and full-rank `roi` starts/ends).
    static func resize(_ x: TensorValue, scales: [Double], outputSize: [Int], roi: [Double]?, options: ResizeOptions) throws -> TensorValue {
        let rank = x.rank
        // Checked before the per-axis tap tables; interpolation works in Float whatever the type.
        try ShapeMath.checkedCount(outputSize, elementSize: max(ShapeMath.elementSize(of: x.dataType), 4))
        var plans: [(axis: Int, taps: ResizeAxisTaps)] = []
        for d in 0..<rank {
            let roiAxis = roi.map { ($0[d], $0[d + rank]) }
            let trivialRoi = roiAxis.map { abs($0.0) < 1e-9 && abs($0.1 - 1) < 1e-9 } ?? true
            if abs(scales[d] - 1) <= 1e-9 && outputSize[d] == x.shape[d] && trivialRoi { continue }
            guard x.shape[d] > 0 else { throw KernelError("cannot resize an empty axis \(d)") }
            plans.append((d, try ResizeAxisTaps.make(input: x.shape[d], output: outputSize[d], scale: scales[d], roi: roiAxis, options: options)))
        }
        if plans.isEmpty { return x }
        let floating = ControlArgs.isFloating(x.dataType)
        let extrapolates = plans.contains { $0.taps.extrapolated.contains(true) }
        if options.mode == .nearest && !extrapolates {
            return gatherNearest(x, plans: plans, outputSize: outputSize)
        }
        guard var values = x.floats() else { throw KernelError("cannot interpolate \(x.dataType) values") }
        var shape = x.shape
        for (axis, taps) in plans {
            values = interpolate(values, shape: shape, axis: axis, taps: taps, output: outputSize[axis], extrapolation: options.extrapolationValue)
            shape[axis] = outputSize[axis]
        }
        if floating { return TensorValue(floating: x.dataType, shape: shape, values: values) }
        return try ResizeCore.saturatingIntegers(values, like: x, shape: shape)
    }

    /// Nearest resize of any element type in one pass: per axis a map from output to input index.
    static func gatherNearest(_ x: TensorValue, plans: [(axis: Int, taps: ResizeAxisTaps)], outputSize: [Int]) -> TensorValue {
        let rank = x.rank
        var maps: [[Int]] = (0..<rank).map { Array(0..<x.shape[$0]) }
        var shape = x.shape
        for (axis, taps) in plans { maps[axis] = taps.indices; shape[axis] = outputSize[axis] }
        var strides = [Int](repeating: 1, count: rank)
        if rank > 1 { for d in (0..<(rank - 1)).reversed() { strides[d] = strides[d + 1] * x.shape[d + 1] } }
        // Source offsets along each axis, pre-multiplied by the stride.
        let offsets = (0..<rank).map { d in maps[d].map { $0 * strides[d] } }
        return TensorValue(dataType: x.dataType, shape: shape,
                           storage: x.storage.mappedElements(NearestGather(shape: shape, offsets: offsets)))
    }

    /// One axis of interpolation over [outer, input, inner] → [outer, output, inner].
    static func interpolate(_ values: [Float], shape: [Int], axis: Int, taps: ResizeAxisTaps, output: Int, extrapolation: Float) -> [Float] {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), input = shape[axis]
        let n = taps.n
        return [Float](unsafeUninitializedCapacity: outer * output * inner) { out, initialized in
            values.withUnsafeBufferPointer { src in
                taps.indices.withUnsafeBufferPointer { idx in
                    taps.weights.withUnsafeBufferPointer { w in
                        taps.extrapolated.withUnsafeBufferPointer { outside in
                            if inner == 1 {
                                // Last axis: a dot product of n taps per output element.
                                for o in 0..<outer {
                                    let sBase = o * input, dBase = o * output
                                    for y in 0..<output {
                                        if outside[y] { out[dBase + y] = extrapolation; continue }
                                        var sum: Float = 0
                                        for k in 0..<n { sum += w[y * n + k] * src[sBase + idx[y * n + k]] }
                                        out[dBase + y] = sum
                                    }
                                }
                                return
                            }
                            for o in 0..<outer {
                                let sBase = o * input * inner
                                for y in 0..<output {
                                    let dBase = (o * output + y) * inner
                                    if outside[y] {
                                        for i in 0..<inner { out[dBase + i] = extrapolation }
                                        continue
                                    }
                                    let s0 = sBase + idx[y * n] * inner, w0 = w[y * n]
                                    for i in 0..<inner { out[dBase + i] = w0 * src[s0 + i] }
                                    for k in 1..<max(n, 1) {
                                        let weight = w[y * n + k]
                                        if weight == 0 { continue }
                                        let s = sBase + idx[y * n + k] * inner
                                        for i in 0..<inner { out[dBase + i] += weight * src[s + i] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = outer * output * inner
        }
    }

    /// Float results rounded half to even and clamped into `like`'s integer type.
    static func saturatingIntegers(_ values: [Float], like x: TensorValue, shape: [Int]) throws -> TensorValue {
        func cast<T: BinaryInteger & FixedWidthInteger>(_: T.Type) -> [T] {
            values.map { v in
                let r = Double(v).rounded(.toNearestOrEven)
                if r.isNaN { return 0 }
                return r <= Double(T.min) ? T.min : r >= Double(T.max) ? T.max : T(r)
            }
        }
        switch x.dataType {
        case .int8: return TensorValue(shape: shape, values: cast(Int8.self))
        case .uint8: return TensorValue(shape: shape, values: cast(UInt8.self))
        case .int16: return TensorValue(shape: shape, values: cast(Int16.self))
        case .uint16: return TensorValue(shape: shape, values: cast(UInt16.self))
        case .int32: return TensorValue(shape: shape, values: cast(Int32.self))
        case .uint32: return TensorValue(shape: shape, values: cast(UInt32.self))
        case .int64: return TensorValue(shape: shape, values: cast(Int64.self))
        case .uint64: return TensorValue(shape: shape, values: cast(UInt64.self))
        default: throw KernelError("cannot interpolate \(x.dataType) values")
        }
    }
}

/// Gathers the elements of a nearest resize: for every output index, the sum over axes of the
/// pre-multiplied source offsets, walked as an odometer (the last axis in the inner loop).
private struct NearestGather: StorageTransform {
    let shape: [Int]
    let offsets: [[Int]]

    func callAsFunction<T>(_ values: [T]) -> [T] {
        let count = shape.reduce(1, *)
        guard count > 0, let last = offsets.last else { return count > 0 ? values : [] }
        let rank = shape.count
        let rows = count / last.count
        var result: [T] = []
        result.reserveCapacity(count)
        var counter = [Int](repeating: 0, count: max(rank - 1, 0))
        values.withUnsafeBufferPointer { src in
            last.withUnsafeBufferPointer { lastMap in
                for _ in 0..<rows {
                    var base = 0
                    for d in 0..<(rank - 1) { base += offsets[d][counter[d]] }
                    for j in 0..<lastMap.count { result.append(src[base + lastMap[j]]) }
                    var d = rank - 2
                    while d >= 0 {
                        counter[d] += 1
                        if counter[d] < shape[d] { break }
                        counter[d] = 0
                        d -= 1
                    }
                }
            }
        }
        return result
    }
}

struct ResizeKernel: Kernel {
    enum Layout: Sendable { case scalesOnly, roiScalesSizes }
    let options: ResizeOptions
    let layout: Layout

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "X")
        let rank = x.rank
        var roiValues: [Double]? = nil
        var scaleValues: [Float]? = nil
        var sizeValues: [Int]? = nil
        switch layout {
        case .scalesOnly:
            scaleValues = try ControlArgs.floats(try ControlArgs.tensor(inputs, 1, "scales"), "scales")
        case .roiScalesSizes:
            if let roi = try ControlArgs.optionalTensor(inputs, 1, "roi"), roi.count > 0 {
                roiValues = try ControlArgs.floats(roi, "roi").map(Double.init)
            }
            if let scales = try ControlArgs.optionalTensor(inputs, 2, "scales"), scales.count > 0 {
                scaleValues = try ControlArgs.floats(scales, "scales")
            }
            if let sizes = try ControlArgs.optionalTensor(inputs, 3, "sizes"), sizes.count > 0 {
                sizeValues = try ControlArgs.ints(sizes, "sizes")
            }
        }
        let axes = try (options.axes ?? Array(0..<rank)).map { try ControlArgs.axis($0, rank: rank, "axes entry") }
        guard Set(axes).count == axes.count else { throw KernelError("axes \(axes) repeat an axis") }
        var scales = [Double](repeating: 1, count: rank)
        var outputSize = x.shape
        if let sizeValues {
            guard scaleValues == nil else { throw KernelError("only one of scales and sizes may be given") }
            guard sizeValues.count == axes.count else { throw KernelError("sizes has \(sizeValues.count) entries for \(axes.count) axes") }
            for (i, d) in axes.enumerated() {
                guard x.shape[d] > 0 else { throw KernelError("cannot resize an empty axis \(d)") }
                guard sizeValues[i] >= 0 else { throw KernelError("sizes \(sizeValues) has a negative size") }
                scales[d] = Double(sizeValues[i]) / Double(x.shape[d])
                outputSize[d] = sizeValues[i]
            }
            if options.keepAspectRatio != "stretch" {
                let chosen = axes.map { scales[$0] }
                let scale = options.keepAspectRatio == "not_larger" ? chosen.min() ?? 1 : chosen.max() ?? 1
                for d in axes {
                    scales[d] = scale
                    outputSize[d] = try ShapeMath.dimension(scale * Double(x.shape[d]) + 0.5, "resized size of axis \(d)")
                }
            }
        } else if let scaleValues {
            guard scaleValues.count == axes.count else { throw KernelError("scales has \(scaleValues.count) entries for \(axes.count) axes") }
            for (i, d) in axes.enumerated() {
                guard scaleValues[i] > 0 else { throw KernelError("scales must be positive, got \(scaleValues[i])") }
                scales[d] = Double(scaleValues[i])
                outputSize[d] = try ShapeMath.dimension(scales[d] * Double(x.shape[d]), "resized size of axis \(d)")
            }
        } else {
            throw KernelError("one of scales and sizes is required")
        }
        var roi: [Double]? = nil
        if let roiValues {
            guard roiValues.count == 2 * axes.count else { throw KernelError("roi has \(roiValues.count) entries for \(axes.count) axes") }
            var full = [Double](repeating: 0, count: rank) + [Double](repeating: 1, count: rank)
            for (i, d) in axes.enumerated() {
                full[d] = roiValues[i]
                full[rank + d] = roiValues[axes.count + i]
            }
            roi = full
        }
        return [.tensor(try ResizeCore.resize(x, scales: scales, outputSize: outputSize, roi: roi, options: options))]
    }
}
