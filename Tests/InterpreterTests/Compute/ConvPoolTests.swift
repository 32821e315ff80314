import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport

@Suite struct ComputeConvPoolTests {
    @Test func convWithPaddingStridesAndGroups() throws {
        // 3×3 input 0…8, 2×2 all-ones kernel, no padding: window sums [0+1+3+4, 1+2+4+5, 3+4+6+7, 4+5+7+8].
        let x = C.floats([1, 1, 3, 3], (0..<9).map { Float($0) })
        let w = C.floats([1, 1, 2, 2], [1, 1, 1, 1])
        #expect(try C.one("Conv", opset: 11, [x, w]).values(Float.self) == [8, 12, 20, 24])
        // pads 1 all round, stride 2: windows at (-1,-1), (-1,1), (1,-1), (1,1) → [0, 1+2, 3+6, 4+5+7+8].
        let s = try C.one("Conv", opset: 11, [x, w], [C.ints("pads", [1, 1, 1, 1]), C.ints("strides", [2, 2])])
        #expect(s.shape == [1, 1, 2, 2] && s.values(Float.self) == [0, 3, 9, 24])
        // SAME_UPPER with a 2×2 kernel pads at the end: output 3×3, last row/column see the zero pad.
        let same = try C.one("Conv", opset: 11, [x, w], [C.string("auto_pad", "SAME_UPPER")])
        #expect(same.shape == [1, 1, 3, 3] && same.values(Float.self) == [8, 12, 7, 20, 24, 13, 13, 15, 8])
        // Depthwise (group 2), 1×1 kernels scaling each channel, plus bias: [1,2]·3 + 1, [3,4]·(−1) + 0.
        let xc = C.floats([1, 2, 1, 2], [1, 2, 3, 4])
        let wc = C.floats([2, 1, 1, 1], [3, -1])
        let dw = try C.one("Conv", opset: 11, [xc, wc, C.floats([2], [1, 0])], [C.int("group", 2)])
        #expect(dw.values(Float.self) == [4, 7, -3, -4])
        // 1-D with dilation 2: kernel [1,1] over [1,2,3,4] taps x[i] + x[i+2] → [4, 6].
        let d = try C.one("Conv", opset: 22, [C.floats([1, 1, 4], [1, 2, 3, 4]), C.floats([1, 1, 2], [1, 1])],
                          [C.ints("dilations", [2])])
        #expect(d.values(Float.self) == [4, 6])
    }

    @Test func depthwiseDirectPathMatchesGeneralPath() throws {
        // Two channels, 3×3 kernels, pads 1, stride 2: the depthwise loop (group 2) must equal a group-1
        // convolution whose weights are zero across channels (that one goes through im2col + gemm).
        let x = C.floats([1, 2, 5, 5], (0..<50).map { Float($0 % 7) - 3 })
        let k = (0..<18).map { Float($0 % 5) - 2 }
        var full = [Float](repeating: 0, count: 36)
        for ch in 0..<2 { for t in 0..<9 { full[(ch * 2 + ch) * 9 + t] = k[ch * 9 + t] } }
        let attrs = [C.ints("pads", [1, 1, 1, 1]), C.ints("strides", [2, 2])]
        let dw = try C.one("Conv", opset: 11, [x, C.floats([2, 1, 3, 3], k)], attrs + [C.int("group", 2)])
        let general = try C.one("Conv", opset: 11, [x, C.floats([2, 2, 3, 3], full)], attrs)
        #expect(dw.shape == [1, 2, 3, 3] && dw == general)
        // 3-D: a 2×2×2 all-ones kernel over 0…7 sums to 28.
        let v = try C.one("Conv", opset: 11, [C.floats([1, 1, 2, 2, 2], (0..<8).map { Float($0) }), C.floats([1, 1, 2, 2, 2], [Float](repeating: 1, count: 8))])
        #expect(v.shape == [1, 1, 1, 1, 1] && v.values(Float.self) == [28])
    }

    @Test func convTransposeScattersAndHonoursOutputShape() throws {
        // 1-D, stride 2, kernel [1,1]: each input spreads to two outputs: [1,2] → [1,1,2,2].
        let x = C.floats([1, 1, 2], [1, 2]), w = C.floats([1, 1, 2], [1, 1])
        let y = try C.one("ConvTranspose", opset: 11, [x, w], [C.ints("strides", [2])])
        #expect(y.shape == [1, 1, 4] && y.values(Float.self) == [1, 1, 2, 2])
        // Stride 1 overlaps: [1,2] * [1,1] → [1, 3, 2]; output_padding adds a zero at the end.
        let z = try C.one("ConvTranspose", opset: 11, [x, w], [C.ints("output_padding", [1]), C.ints("strides", [2])])
        #expect(z.shape == [1, 1, 5] && z.values(Float.self) == [1, 1, 2, 2, 0])
        let o = try C.one("ConvTranspose", opset: 11, [x, w])
        #expect(o.values(Float.self) == [1, 3, 2])
        // Explicit pads crop: pads [1,0] drops the first element of [1,3,2].
        let p = try C.one("ConvTranspose", opset: 11, [x, w], [C.ints("pads", [1, 0])])
        #expect(p.values(Float.self) == [3, 2])
    }

    @Test func poolsWithPadsCeilModeAndIndices() throws {
        // 4×4 input 1…16, 2×2 windows stride 2: max [6,8,14,16], mean [3.5,5.5,11.5,13.5].
        let x = C.floats([1, 1, 4, 4], (1...16).map { Float($0) })
        let attrs = [C.ints("kernel_shape", [2, 2]), C.ints("strides", [2, 2])]
        let outs = try C.run("MaxPool", opset: 12, inputs: [x], outputs: 2, attributes: attrs)
        #expect(outs[0]?.values(Float.self) == [6, 8, 14, 16])
        #expect(outs[1]?.values(Int64.self) == [5, 7, 13, 15])
        #expect(try C.one("AveragePool", opset: 19, [x], attrs).values(Float.self) == [3.5, 5.5, 11.5, 13.5])
        // storage_order 1 numbers the element (h, w) as h + w·H: max 6 at (1,1) → 1 + 4 = 5; 8 at (1,3) → 13.
        let col = try C.run("MaxPool", opset: 12, inputs: [x], outputs: 2, attributes: attrs + [C.int("storage_order", 1)])
        #expect(col[1]?.values(Int64.self) == [5, 13, 7, 15])
        // 3×3 windows, stride 2, ceil_mode: out = ceil((4−3)/2)+1 = 2; the last windows are clipped.
        // Means: {1,2,3,5,6,7,9,10,11}=6, {3,4,7,8,11,12}=7.5, {9,10,11,13,14,15}=12, {11,12,15,16}=13.5.
        let ceil = try C.one("AveragePool", opset: 19, [x], [C.ints("kernel_shape", [3, 3]), C.ints("strides", [2, 2]), C.int("ceil_mode", 1)])
        #expect(ceil.values(Float.self) == [6, 7.5, 12, 13.5])
        // pads 1, count_include_pad: the corner window {1,2,5,6} sums 14 over 4 taps without pad, 9 with it.
        let pad = [C.ints("kernel_shape", [3, 3]), C.ints("pads", [1, 1, 1, 1]), C.ints("strides", [3, 3])]
        let excl = try C.one("AveragePool", opset: 19, [x], pad)
        let incl = try C.one("AveragePool", opset: 19, [x], pad + [C.int("count_include_pad", 1)])
        #expect(excl.values(Float.self)?.first == 3.5 && incl.values(Float.self)?.first == Float(14) / 9)
        // LpPool p=2 over [3,4] is 5; global pools over a plane.
        let lp = try C.one("LpPool", opset: 18, [C.floats([1, 1, 2], [3, 4])], [C.ints("kernel_shape", [2])])
        #expect(lp.values(Float.self) == [5])
        #expect(try C.one("GlobalAveragePool", opset: 1, [x]).values(Float.self) == [8.5])
        #expect(try C.one("GlobalMaxPool", opset: 1, [x]).shape == [1, 1, 1, 1])
        // uint8 max pooling keeps the type.
        let u = TensorValue(shape: [1, 1, 3], values: [UInt8(1), 200, 3])
        #expect(try C.one("MaxPool", opset: 12, [u], [C.ints("kernel_shape", [2])]).values(UInt8.self) == [200, 200])
    }
}
