import Testing
@testable import Interpreter

/// The float32 depthwise 3×3 path (padded plane, SIMD) against a direct sum, over plane sizes that leave
/// vector tails and pads that clip rows and columns, at strides 1 and 2.
@Suite struct DepthwiseTests {
    typealias C = ComputeTestSupport

    /// y[c][i][j] = b[c] + Σ w[c][a][b'] · x[c][i·s + a − top][j·s + b' − left] over taps inside the input.
    static func reference(_ x: [Float], _ w: [Float], _ bias: [Float], channels: Int, h: Int, width: Int,
                          stride: Int, pads: [Int], oh: Int, ow: Int) -> [Float] {
        var y = [Float](repeating: 0, count: channels * oh * ow)
        for c in 0..<channels {
            for i in 0..<oh {
                for j in 0..<ow {
                    var sum = bias[c]
                    for a in 0..<3 {
                        for b in 0..<3 {
                            let r = i * stride + a - pads[0], q = j * stride + b - pads[1]
                            if r >= 0 && r < h && q >= 0 && q < width {
                                sum += w[c * 9 + a * 3 + b] * x[(c * h + r) * width + q]
                            }
                        }
                    }
                    y[(c * oh + i) * ow + j] = sum
                }
            }
        }
        return y
    }

    @Test(arguments: [(7, 7, 1), (14, 9, 2), (17, 23, 1), (112, 112, 2), (5, 3, 2), (1, 1, 1)])
    func matchesTheDirectSum(h: Int, width: Int, stride: Int) throws {
        let channels = 3
        for pads in [[1, 1, 1, 1], [0, 0, 0, 0], [1, 0, 0, 1], [0, 1, 1, 0]] {
            let oh = (h + pads[0] + pads[2] - 3) / stride + 1, ow = (width + pads[1] + pads[3] - 3) / stride + 1
            guard oh > 0, ow > 0 else { continue }
            let x = (0..<(channels * h * width)).map { Float(($0 * 37) % 19) / 7 - 1 }
            let w = (0..<(channels * 9)).map { Float(($0 * 11) % 13) / 5 - 1 }
            let bias: [Float] = [0.5, -1, 2]
            let y = try C.one("Conv", opset: 11, [C.floats([1, channels, h, width], x), C.floats([channels, 1, 3, 3], w),
                                                  C.floats([channels], bias)],
                              [C.int("group", Int64(channels)), C.ints("strides", [Int64(stride), Int64(stride)]),
                               C.ints("pads", pads.map(Int64.init))])
            #expect(y.shape == [1, channels, oh, ow])
            let expected = Self.reference(x, w, bias, channels: channels, h: h, width: width, stride: stride,
                                          pads: pads, oh: oh, ow: ow)
            #expect(C.close(y.floats(), expected, tolerance: 1e-4), "h \(h) w \(width) stride \(stride) pads \(pads)")
        }
    }

    /// Enough planes to be split over the cores in chunks that share scratch buffers: two images of 37
    /// channels, so chunks start mid-image and each plane must still pick its own channel's weights.
    @Test(arguments: [(14, 1), (28, 2)])
    func manyPlanesInChunks(size: Int, stride: Int) throws {
        let images = 2, channels = 37, pads = [1, 1, 1, 1]
        let out = (size + 2 - 3) / stride + 1
        let x = (0..<(images * channels * size * size)).map { Float(($0 * 29) % 23) / 9 - 1 }
        let w = (0..<(channels * 9)).map { Float(($0 * 7) % 17) / 6 - 1 }
        let bias = (0..<channels).map { Float($0) / 10 }
        let y = try C.one("Conv", opset: 11, [C.floats([images, channels, size, size], x),
                                              C.floats([channels, 1, 3, 3], w), C.floats([channels], bias)],
                          [C.int("group", Int64(channels)), C.ints("strides", [Int64(stride), Int64(stride)]),
                           C.ints("pads", pads.map(Int64.init))])
        #expect(y.shape == [images, channels, out, out])
        let plane = channels * size * size
        let expected = (0..<images).flatMap { image in
            Self.reference(Array(x[(image * plane)..<((image + 1) * plane)]), w, bias, channels: channels, h: size,
                           width: size, stride: stride, pads: pads, oh: out, ow: out)
        }
        #expect(C.close(y.floats(), expected, tolerance: 1e-4))
    }
}
