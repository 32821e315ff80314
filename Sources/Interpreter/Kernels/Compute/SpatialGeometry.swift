// Helpers shared by Conv, ConvTranspose and the pooling kernels (not an op): the spatial attributes
// (auto_pad, kernel_shape, strides, dilations, pads) decoded once, and the output sizes and leading pads
// they give for an input, following the ONNX spec and its reference implementation.

import ONNX

/// Spatial attributes of a convolution or pooling node, decoded once when the node is planned.
struct SpatialAttributes: Sendable {
    enum AutoPad: String, Sendable { case notSet = "NOTSET", sameUpper = "SAME_UPPER", sameLower = "SAME_LOWER", valid = "VALID" }

    let autoPad: AutoPad
    let kernelShape: [Int]?
    let strides: [Int]?
    let dilations: [Int]?
    let pads: [Int]?

    init(_ node: NodeContext) throws {
        let raw = try node.string("auto_pad", default: "NOTSET")
        guard let autoPad = AutoPad(rawValue: raw.isEmpty ? "NOTSET" : raw) else {
            throw KernelError("auto_pad '\(raw)' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID")
        }
        self.autoPad = autoPad
        kernelShape = try node.ints("kernel_shape")
        strides = try node.ints("strides")
        dilations = try node.ints("dilations")
        pads = try node.ints("pads")
        for (name, values) in [("strides", strides), ("dilations", dilations)] {
            if let values, values.contains(where: { $0 < 1 }) { throw KernelError("\(name) must be positive, got \(values)") }
        }
        if let kernelShape, kernelShape.contains(where: { $0 < 1 }) {
            throw KernelError("kernel_shape must be positive, got \(kernelShape)")
        }
    }

    /// Per-dimension value of an attribute list of `rank` entries, or `fallback` when absent.
    static func resolve(_ values: [Int]?, rank: Int, fallback: Int, _ name: String) throws -> [Int] {
        guard let values else { return [Int](repeating: fallback, count: rank) }
        guard values.count == rank else { throw KernelError("\(name) has \(values.count) values for \(rank) spatial axes") }
        return values
    }

    func strides(rank: Int) throws -> [Int] { try Self.resolve(strides, rank: rank, fallback: 1, "strides") }
    func dilations(rank: Int) throws -> [Int] { try Self.resolve(dilations, rank: rank, fallback: 1, "dilations") }

    /// Explicit pads as (begin, end) lists.
    func explicitPads(rank: Int) throws -> (begin: [Int], end: [Int]) {
        guard let pads else { return ([Int](repeating: 0, count: rank), [Int](repeating: 0, count: rank)) }
        guard pads.count == 2 * rank else { throw KernelError("pads has \(pads.count) values for \(rank) spatial axes") }
        guard !pads.contains(where: { $0 < 0 }) else { throw KernelError("pads must not be negative, got \(pads)") }
        return (Array(pads[0..<rank]), Array(pads[rank...]))
    }
}

/// Resolved geometry of one sliding-window op over an input: sizes per spatial axis.
struct SpatialGeometry: Sendable {
    var input: [Int]
    var kernel: [Int]
    var output: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padBegin: [Int]

    var rank: Int { input.count }

    /// Floor division as Python does it (toward −∞).
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Conv: output sizes and leading pads (SAME pads total max(0, …), SAME_LOWER puts the odd one first).
    static func conv(input: [Int], kernel: [Int], _ attributes: SpatialAttributes) throws -> SpatialGeometry {
        let r = input.count
        let strides = try attributes.strides(rank: r), dilations = try attributes.dilations(rank: r)
        var output = [Int](repeating: 0, count: r), begin = [Int](repeating: 0, count: r)
        let explicit = try attributes.explicitPads(rank: r)
        for i in 0..<r {
            let window = try dilatedWindow(kernel[i], dilations[i])
            switch attributes.autoPad {
            case .sameUpper, .sameLower:
                // ceil(input / stride), written so that a huge stride cannot overflow.
                output[i] = floorDiv(input[i] - 1, strides[i]) + 1
                let covered = try ShapeMath.add(try ShapeMath.multiply(output[i] - 1, strides[i], "strides"), window, "strides")
                let total = max(0, covered - input[i])
                begin[i] = attributes.autoPad == .sameUpper ? total / 2 : total - total / 2
            case .valid:
                output[i] = floorDiv(input[i] - window, strides[i]) + 1
            case .notSet:
                let padded = try ShapeMath.add(input[i], try ShapeMath.add(explicit.begin[i], explicit.end[i], "pads"), "pads")
                output[i] = floorDiv(padded - window, strides[i]) + 1
                begin[i] = explicit.begin[i]
            }
            guard output[i] >= 0 else {
                throw KernelError("window \(window) does not fit input size \(input[i]) on spatial axis \(i)")
            }
        }
        try ShapeMath.checkedCount(output, of: "spatial output")
        return SpatialGeometry(input: input, kernel: kernel, output: output, strides: strides,
                               dilations: dilations, padBegin: begin)
    }

    /// (kernel − 1) · dilation + 1, the extent of a dilated kernel, checked: both come from the model.
    static func dilatedWindow(_ kernel: Int, _ dilation: Int) throws -> Int {
        try ShapeMath.add(try ShapeMath.multiply(kernel - 1, dilation, "dilations"), 1, "dilations")
    }

    /// Pooling: like conv, with ceil_mode (a last window starting in the end padding is dropped).
    static func pool(input: [Int], _ attributes: SpatialAttributes, ceilMode: Bool) throws -> SpatialGeometry {
        let r = input.count
        guard let kernel = attributes.kernelShape else { throw KernelError("required attribute 'kernel_shape' is missing") }
        guard kernel.count == r else { throw KernelError("kernel_shape has \(kernel.count) values for \(r) spatial axes") }
        try ShapeMath.checkedCount(kernel, of: "kernel_shape")
        let strides = try attributes.strides(rank: r), dilations = try attributes.dilations(rank: r)
        var output = [Int](repeating: 0, count: r), begin = [Int](repeating: 0, count: r)
        let explicit = try attributes.explicitPads(rank: r)
        for i in 0..<r {
            let window = try dilatedWindow(kernel[i], dilations[i])
            switch attributes.autoPad {
            case .sameUpper, .sameLower:
                output[i] = floorDiv(input[i] - 1, strides[i]) + 1
                let covered = try ShapeMath.add(try ShapeMath.multiply(output[i] - 1, strides[i], "strides"), window, "strides")
                let total = covered - input[i]
                begin[i] = attributes.autoPad == .sameUpper ? floorDiv(total, 2) : total - floorDiv(total, 2)
            case .valid:
                output[i] = floorDiv(input[i] - window, strides[i]) + 1
            case .notSet:
                let padded = try ShapeMath.add(input[i], try ShapeMath.add(explicit.begin[i], explicit.end[i], "pads"), "pads")
                let span = padded - window
                if ceilMode {
                    output[i] = -floorDiv(-span, strides[i]) + 1
                    let start = try ShapeMath.multiply(output[i] - 1, strides[i], "strides")
                    if start >= (try ShapeMath.add(input[i], explicit.begin[i], "pads")) { output[i] -= 1 }
                } else {
                    output[i] = floorDiv(span, strides[i]) + 1
                }
                begin[i] = explicit.begin[i]
            }
            guard output[i] >= 0 else {
                throw KernelError("window \(window) does not fit input size \(input[i]) on spatial axis \(i)")
            }
        }
        try ShapeMath.checkedCount(output, of: "spatial output")
        return SpatialGeometry(input: input, kernel: kernel, output: output, strides: strides,
                               dilations: dilations, padBegin: begin)
    }

    var inputSize: Int { input.reduce(1, *) }
    var outputSize: Int { output.reduce(1, *) }
    var kernelSize: Int { kernel.reduce(1, *) }

    /// Output positions per line: the size of the last output axis (1 for a 0-d output).
    var outputLine: Int { output.last ?? 1 }

    /// Lines of the output: every output axis but the last.
    var outputLines: Int { outputSize / max(outputLine, 1) }

    /// im2col: for `channels` planes of `x`, fills `col` ([channels·K, lines·outputLine], row-major) with
    /// the input element under each kernel tap for each output position of output lines `lines` (all by
    /// default), 0 in the padding. Conv fills one tile of lines at a time, so its columns stay in cache.
    func im2col<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, channels: Int, col: UnsafeMutablePointer<T>,
                                        lines: Range<Int>? = nil) {
        let r = rank, K = kernelSize, I = inputSize
        let lines = lines ?? 0..<outputLines
        let outLast = outputLine, pitch = lines.count * outLast
        let inStrides = ComputeSupport.strides(input)
        let last = r - 1
        let inLast = input[last]
        let sL = strides[last], dL = dilations[last], pL = padBegin[last]
        var tap = [Int](repeating: 0, count: r)
        var outer = [Int](repeating: 0, count: max(r - 1, 0))
        for kIndex in 0..<K {
            // tap = multi-index of kIndex in kernel
            var rem = kIndex
            for d in stride(from: r - 1, through: 0, by: -1) { tap[d] = rem % kernel[d]; rem /= kernel[d] }
            // The valid range of the last output index for this tap.
            let offL = tap[last] * dL - pL
            var lo = 0
            while lo < outLast && lo * sL + offL < 0 { lo += 1 }
            var hi = outLast
            while hi > lo && (hi - 1) * sL + offL >= inLast { hi -= 1 }
            for c in 0..<channels {
                let rowBase = col + (c * K + kIndex) * pitch
                let plane = x + c * I
                for line in lines {
                    if line == lines.lowerBound {
                        var rem = line
                        for d in stride(from: r - 2, through: 0, by: -1) { outer[d] = rem % output[d]; rem /= output[d] }
                    } else {
                        var d = r - 2
                        while d >= 0 {
                            outer[d] += 1
                            if outer[d] < output[d] { break }
                            outer[d] = 0
                            d -= 1
                        }
                    }
                    let dst = rowBase + (line - lines.lowerBound) * outLast
                    var base = 0, valid = true
                    for d in 0..<(r - 1) {
                        let i = outer[d] * strides[d] + tap[d] * dilations[d] - padBegin[d]
                        if i < 0 || i >= input[d] { valid = false; break }
                        base += i * inStrides[d]
                    }
                    if !valid || lo >= hi {
                        dst.update(repeating: 0, count: outLast)
                        continue
                    }
                    if lo > 0 { dst.update(repeating: 0, count: lo) }
                    let src = plane + base + offL
                    if sL == 1 {
                        (dst + lo).update(from: src + lo, count: hi - lo)
                    } else {
                        for j in lo..<hi { dst[j] = src[j * sL] }
                    }
                    if hi < outLast { (dst + hi).update(repeating: 0, count: outLast - hi) }
                }
            }
        }
    }

    /// col2im (for ConvTranspose, where `input` is the transposed conv's output and `output` its input):
    /// adds each column entry of `col` ([channels·K, O]) into `y` ([channels, I]) at the position its tap
    /// reaches.
    func col2im<T: BinaryFloatingPoint>(_ col: UnsafePointer<T>, channels: Int, y: UnsafeMutablePointer<T>) {
        let r = rank, O = outputSize, K = kernelSize, I = inputSize
        let inStrides = ComputeSupport.strides(input)
        let last = r - 1
        let outLast = output[last], inLast = input[last]
        let sL = strides[last], dL = dilations[last], pL = padBegin[last]
        var tap = [Int](repeating: 0, count: r)
        for kIndex in 0..<K {
            var rem = kIndex
            for d in stride(from: r - 1, through: 0, by: -1) { tap[d] = rem % kernel[d]; rem /= kernel[d] }
            let offL = tap[last] * dL - pL
            var lo = 0
            while lo < outLast && lo * sL + offL < 0 { lo += 1 }
            var hi = outLast
            while hi > lo && (hi - 1) * sL + offL >= inLast { hi -= 1 }
            if lo >= hi { continue }
            let outerCount = O / max(outLast, 1)
            var outer = [Int](repeating: 0, count: max(r - 1, 0))
            for c in 0..<channels {
                let rowBase = col + (c * K + kIndex) * O
                let plane = y + c * I
                for d in 0..<outer.count { outer[d] = 0 }
                for o in 0..<outerCount {
                    if o > 0 {
                        var d = r - 2
                        while d >= 0 {
                            outer[d] += 1
                            if outer[d] < output[d] { break }
                            outer[d] = 0
                            d -= 1
                        }
                    }
                    var base = 0, valid = true
                    for d in 0..<(r - 1) {
                        let i = outer[d] * strides[d] + tap[d] * dilations[d] - padBegin[d]
                        if i < 0 || i >= input[d] { valid = false; break }
                        base += i * inStrides[d]
                    }
                    if !valid { continue }
                    let src = rowBase + o * outLast
                    let dst = plane + base + offL
                    for j in lo..<hi { dst[j * sL] += src[j] }
                }
            }
        }
    }

    /// Direct 2-D convolution of planes `planes` of `x` (depthwise: each plane with the kernel of its
    /// channel, planes cycling through `channels`), added into the same planes of `y` (which hold the bias).
    /// Float 3×3 kernels at strides 1 and 2 go to `Depthwise3x3`.
    func depthwise2D<T: BinaryFloatingPoint>(planes: Range<Int>, channels: Int, x: UnsafePointer<T>,
                                             weights: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        if T.self == Float.self, let fast = Depthwise3x3(self) {
            fast.add(planes: planes, channels: channels, x: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                     weights: UnsafeRawPointer(weights).assumingMemoryBound(to: Float.self),
                     into: UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self))
            return
        }
        let inputSize = input[0] * input[1], outputSize = output[0] * output[1], taps = kernel[0] * kernel[1]
        for plane in planes {
            depthwise2D(x + plane * inputSize, weights: weights + (plane % channels) * taps, y: y + plane * outputSize)
        }
    }

    /// One plane of `depthwise2D`: each output row is written once per kernel row, the taps of that row
    /// summed in a register, without bounds checks over the columns whose taps all fall inside the input
    /// and with them at the edges.
    private func depthwise2D<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, weights: UnsafePointer<T>, y: UnsafeMutablePointer<T>) {
        let h = input[0], w = input[1], oh = output[0], ow = output[1]
        let kh = kernel[0], kw = kernel[1]
        let sH = strides[0], sW = strides[1], dH = dilations[0], dW = dilations[1], pW = padBegin[1]
        // Columns j whose first tap (j·sW − pW) and last tap (+ (kw−1)·dW) are both inside the row.
        var lo = 0
        while lo < ow && lo * sW - pW < 0 { lo += 1 }
        var hi = ow
        while hi > lo && (hi - 1) * sW - pW + (kw - 1) * dW >= w { hi -= 1 }
        for row in 0..<oh {
            let dst = y + row * ow
            for a in 0..<kh {
                let ih = row * sH + a * dH - padBegin[0]
                if ih < 0 || ih >= h { continue }
                let src = x + ih * w
                let taps = weights + a * kw
                for j in 0..<lo { dst[j] += edgeSum(src, taps, start: j * sW - pW, width: w) }
                for j in lo..<hi {
                    let i = j * sW - pW
                    var sum: T = 0
                    for b in 0..<kw { sum += taps[b] * src[i + b * dW] }
                    dst[j] += sum
                }
                for j in max(hi, lo)..<ow { dst[j] += edgeSum(src, taps, start: j * sW - pW, width: w) }
            }
        }
    }

    /// The taps of one kernel row from input column `start`, skipping those outside `0..<width`.
    @inline(__always)
    private func edgeSum<T: BinaryFloatingPoint>(_ src: UnsafePointer<T>, _ taps: UnsafePointer<T>, start: Int, width: Int) -> T {
        var sum: T = 0
        for b in 0..<kernel[1] {
            let i = start + b * dilations[1]
            if i >= 0 && i < width { sum += taps[b] * src[i] }
        }
        return sum
    }
}
