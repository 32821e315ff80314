// Helper of Conv (not an op): float32 depthwise 3×3 convolution (dilation 1, stride 1 or 2), the shape
// MobileNet-style networks are made of. The plane is first copied into a zero-padded buffer, so no tap
// needs a bounds check, then summed with SIMD vectors eight outputs at a time:
// - stride 1 runs over the padded plane as one long row (each output row followed by two garbage columns,
//   dropped afterwards), so even 7×7 planes fill whole vectors;
// - stride 2 takes the even and odd input columns of one 16-wide load.

enum Depthwise3x3 {
    /// Spare elements after the padded plane, for vector loads that run past its end.
    private static let slack = 32

    /// Adds the convolution of plane `x` with the 3×3 `weights` into `y`; false (nothing done) when
    /// the geometry is not one this handles.
    static func add(_ x: UnsafePointer<Float>, weights: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                    _ g: SpatialGeometry) -> Bool {
        guard g.rank == 2, g.kernel == [3, 3], g.dilations == [1, 1], g.strides[0] == g.strides[1],
              g.strides[0] == 1 || g.strides[0] == 2, g.output[0] > 0, g.output[1] > 0 else { return false }
        let stride = g.strides[0]
        let rows = (g.output[0] - 1) * stride + 3, pitch = (g.output[1] - 1) * stride + 3
        let padded = UnsafeMutablePointer<Float>.allocate(capacity: rows * pitch + slack)
        defer { padded.deallocate() }
        fillPadded(padded, rows: rows, pitch: pitch, from: x, g)
        let w = Taps(weights)
        if stride == 1 {
            stride1(padded, pitch: pitch, w, into: y, g)
        } else {
            stride2(padded, pitch: pitch, w, into: y, g)
        }
        return true
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

    private static func fillPadded(_ padded: UnsafeMutablePointer<Float>, rows: Int, pitch: Int,
                                   from x: UnsafePointer<Float>, _ g: SpatialGeometry) {
        padded.initialize(repeating: 0, count: rows * pitch + slack)
        let h = g.input[0], width = g.input[1], top = g.padBegin[0], left = g.padBegin[1]
        let first = min(left, pitch), last = min(pitch, width + left)
        guard first < last else { return }
        for r in 0..<rows where r - top >= 0 && r - top < h {
            (padded + r * pitch + first).update(from: x + (r - top) * width + (first - left), count: last - first)
        }
    }

    private static func stride1(_ p: UnsafeMutablePointer<Float>, pitch: Int, _ w: Taps,
                                into y: UnsafeMutablePointer<Float>, _ g: SpatialGeometry) {
        let oh = g.output[0], ow = g.output[1]
        let total = oh * pitch
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: total + 8)
        defer { sums.deallocate() }
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

    private static func stride2(_ p: UnsafeMutablePointer<Float>, pitch: Int, _ w: Taps,
                                into y: UnsafeMutablePointer<Float>, _ g: SpatialGeometry) {
        let oh = g.output[0], ow = g.output[1]
        var row = [Float](repeating: 0, count: ow + 8)
        row.withUnsafeMutableBufferPointer { buffer in
            guard let sums = buffer.baseAddress else { return }
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
    }

    @inline(__always) private static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) private static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always) private static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
