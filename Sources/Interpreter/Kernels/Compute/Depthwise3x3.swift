// Helper of Conv (not an op): float32 depthwise 3×3 convolution (dilation 1, stride 1 or 2), the shape
// MobileNet-style networks are made of. Each plane is first copied into a zero-padded buffer, so no tap
// needs a bounds check, then summed with SIMD vectors eight outputs at a time:
// - stride 1 runs over the padded plane as one long row (each output row followed by two garbage columns,
//   dropped afterwards), so even 7×7 planes fill whole vectors;
// - stride 2 takes the even and odd input columns of one 16-wide load.
// The geometry is checked once per node and the scratch buffers are allocated once per chunk of planes:
// late MobileNet layers have hundreds of 7×7 planes, where per-plane set-up cost more than the sums.

struct Depthwise3x3 {
    /// Spare elements after the padded plane, for vector loads that run past its end.
    private static let slack = 32

    private let g: SpatialGeometry
    private let stride: Int
    /// Rows and row pitch of the zero-padded plane.
    private let rows: Int, pitch: Int

    /// nil when the geometry is not one this handles.
    init?(_ g: SpatialGeometry) {
        guard g.rank == 2, g.kernel[0] == 3, g.kernel[1] == 3, g.dilations[0] == 1, g.dilations[1] == 1,
              g.strides[0] == g.strides[1], g.strides[0] == 1 || g.strides[0] == 2,
              g.output[0] > 0, g.output[1] > 0 else { return nil }
        self.g = g
        stride = g.strides[0]
        rows = (g.output[0] - 1) * stride + 3
        pitch = (g.output[1] - 1) * stride + 3
    }

    /// Adds the convolution of planes `planes` of `x` (each with the 3×3 weights of its channel, planes
    /// cycling through `channels`) into the same planes of `y`.
    func add(planes: Range<Int>, channels: Int, x: UnsafePointer<Float>, weights: UnsafePointer<Float>,
             into y: UnsafeMutablePointer<Float>) {
        let paddedCount = rows * pitch + Self.slack
        let sumsCount = (stride == 1 ? g.output[0] * pitch : g.output[1]) + 8
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: paddedCount + sumsCount)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0, count: paddedCount + sumsCount)
        let inputSize = g.input[0] * g.input[1], outputSize = g.output[0] * g.output[1]
        for plane in planes {
            fillPadded(scratch, from: x + plane * inputSize)
            let w = Taps(weights + (plane % channels) * 9)
            if stride == 1 {
                stride1(scratch, w, sums: scratch + paddedCount, into: y + plane * outputSize)
            } else {
                stride2(scratch, w, sums: scratch + paddedCount, into: y + plane * outputSize)
            }
        }
    }

    /// The nine weights, each splat across a vector.
    private struct Taps {
        let w0, w1, w2, w3, w4, w5, w6, w7, w8: SIMD8<Float>

        init(_ w: UnsafePointer<Float>) {
            (w0, w1, w2) = (SIMD8(repeating: w[0]), SIMD8(repeating: w[1]), SIMD8(repeating: w[2]))
            (w3, w4, w5) = (SIMD8(repeating: w[3]), SIMD8(repeating: w[4]), SIMD8(repeating: w[5]))
            (w6, w7, w8) = (SIMD8(repeating: w[6]), SIMD8(repeating: w[7]), SIMD8(repeating: w[8]))
        }
    }

    /// Copies the plane into the padded buffer. Only the input's own footprint is written: the pad
    /// border (and the slack) stay zero from the buffer's first initialisation, because every plane of
    /// the node has the same footprint.
    private func fillPadded(_ padded: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>) {
        let h = g.input[0], width = g.input[1], top = g.padBegin[0], left = g.padBegin[1]
        let first = min(left, pitch), last = min(pitch, width + left)
        let firstRow = max(0, top), endRow = min(rows, h + top)
        guard first < last, firstRow < endRow else { return }
        for r in firstRow..<endRow {
            (padded + r * pitch + first).update(from: x + (r - top) * width + (first - left), count: last - first)
        }
    }

    private func stride1(_ p: UnsafeMutablePointer<Float>, _ w: Taps, sums: UnsafeMutablePointer<Float>,
                         into y: UnsafeMutablePointer<Float>) {
        let oh = g.output[0], ow = g.output[1]
        let total = oh * pitch
        let r1 = p + pitch, r2 = p + 2 * pitch
        var i = 0
        while i < total {
            var acc = w.w0 * load8(p + i) + w.w1 * load8(p + i + 1) + w.w2 * load8(p + i + 2)
            acc += w.w3 * load8(r1 + i) + w.w4 * load8(r1 + i + 1) + w.w5 * load8(r1 + i + 2)
            acc += w.w6 * load8(r2 + i) + w.w7 * load8(r2 + i + 1) + w.w8 * load8(r2 + i + 2)
            store8(acc, sums + i)
            i += 8
        }
        for row in 0..<oh {
            let src = sums + row * pitch, dst = y + row * ow
            for j in 0..<ow { dst[j] += src[j] }
        }
    }

    private func stride2(_ p: UnsafeMutablePointer<Float>, _ w: Taps, sums: UnsafeMutablePointer<Float>,
                         into y: UnsafeMutablePointer<Float>) {
        let oh = g.output[0], ow = g.output[1]
        for r in 0..<oh {
            let r0 = p + 2 * r * pitch, r1 = r0 + pitch, r2 = r1 + pitch
            var j = 0
            while j < ow {
                let a = load16(r0 + 2 * j), b = load16(r1 + 2 * j), c = load16(r2 + 2 * j)
                let a2 = load16(r0 + 2 * j + 2), b2 = load16(r1 + 2 * j + 2), c2 = load16(r2 + 2 * j + 2)
                var acc = w.w0 * a.evenHalf + w.w1 * a.oddHalf + w.w2 * a2.evenHalf
                acc += w.w3 * b.evenHalf + w.w4 * b.oddHalf + w.w5 * b2.evenHalf
                acc += w.w6 * c.evenHalf + w.w7 * c.oddHalf + w.w8 * c2.evenHalf
                store8(acc, sums + j)
                j += 8
            }
            let dst = y + r * ow
            for j in 0..<ow { dst[j] += sums[j] }
        }
    }

    @inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always) private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
