import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport

@Suite struct ImageKernelTests {
    @Test func gridSampleModesAndPadding() throws {
        let x = C.floats([1, 1, 2, 2], [1, 2, 3, 4])
        func sample(_ grid: [Float], _ attributes: [Attribute], opset: Int = 22) throws -> [Float]? {
            try C.one("GridSample", opset: opset, [x, C.floats([1, 1, 1, 2], grid)], attributes).values(Float.self)
        }
        // The centre (0, 0) without align_corners is pixel (0.5, 0.5): the mean of the four pixels.
        #expect(try sample([0, 0], []) == [2.5])
        // align_corners puts -1 and 1 on the corner pixel centres; grid lists x first.
        #expect(try sample([1, -1], [C.int("align_corners", 1), C.string("mode", "nearest")]) == [2])
        // (-1, -1) without align_corners is pixel (-0.5, -0.5): zeros padding keeps 1/4 of pixel (0, 0),
        // border padding clamps onto it.
        #expect(try sample([-1, -1], []) == [0.25])
        #expect(try sample([-1, -1], [C.string("padding_mode", "border")]) == [1])
        // Opset 16 spells the mode "bilinear"; 20 and later no longer accept that name.
        #expect(try sample([0, 0], [C.string("mode", "bilinear")], opset: 16) == [2.5])
        #expect(throws: KernelError.self) { try sample([0, 0], [C.string("mode", "bilinear")], opset: 20) }
        // The grid's last axis must match the 2 spatial axes of X.
        #expect(throws: KernelError.self) { try C.one("GridSample", opset: 22, [x, C.floats([1, 1, 1, 3], [0, 0, 0])]) }
    }

    @Test func affineGridCol2ImAndCenterCropPad() throws {
        // Identity theta, 2×2 output, align_corners: the corners in (x, y) order, row by row.
        let theta = C.floats([1, 2, 3], [1, 0, 0, 0, 1, 0])
        let grid = try C.one("AffineGrid", opset: 20, [theta, C.int64s([4], [1, 1, 2, 2])], [C.int("align_corners", 1)])
        #expect(grid.shape == [1, 2, 2, 2] && grid.values(Float.self) == [-1, -1, 1, -1, -1, 1, 1, 1])
        // Col2Im: image 1×3, blocks 1×2 at x = 0 and 1; tap 0 of each block lands on x, tap 1 on x + 1.
        let image = try C.one("Col2Im", opset: 18, [C.floats([1, 2, 2], [1, 2, 10, 20]), C.int64s([2], [1, 3]), C.int64s([2], [1, 2])])
        #expect(image.shape == [1, 1, 1, 3] && image.values(Float.self) == [1, 12, 20])
        #expect(throws: KernelError.self) {
            try C.one("Col2Im", opset: 18, [C.floats([1, 2, 3], [Float](repeating: 0, count: 6)), C.int64s([2], [1, 3]), C.int64s([2], [1, 2])])
        }
        // CenterCropPad keeps the centre; an odd difference is cropped from / padded at the end.
        let row = TensorValue(shape: [1, 5], values: [Int32](1...5))
        #expect(try C.one("CenterCropPad", opset: 18, [row, C.int64s([2], [1, 2])]).values(Int32.self) == [2, 3])
        #expect(try C.one("CenterCropPad", opset: 18, [row, C.int64s([1], [8])], [C.ints("axes", [-1])]).values(Int32.self)
                == [0, 1, 2, 3, 4, 5, 0, 0])
    }

    @Test func roiAlignNonMaxSuppressionAndMaxUnpool() throws {
        // A constant image averages to itself in every bin.
        let x = C.floats([1, 1, 4, 4], [Float](repeating: 5, count: 16))
        let roi = try C.one("RoiAlign", opset: 16, [x, C.floats([1, 4], [0, 0, 3, 3]), C.int64s([1], [0])],
                            [C.int("output_height", 2), C.int("output_width", 2)])
        #expect(roi.shape == [1, 1, 2, 2] && roi.values(Float.self) == [5, 5, 5, 5])
        #expect(throws: KernelError.self) { try C.one("RoiAlign", opset: 16, [x, C.floats([1, 4], [0, 0, 3, 3]), C.int64s([1], [1])]) }
        // Box 1 overlaps box 0 with IoU 0.9/1.1 > 0.5 and is suppressed; box 2 is far away.
        let boxes = C.floats([1, 3, 4], [0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, 10, 1, 11])
        let scores = C.floats([1, 1, 3], [0.9, 0.8, 0.7])
        let kept = try C.one("NonMaxSuppression", opset: 11, [boxes, scores, C.int64s([1], [3]), C.floats([1], [0.5])])
        #expect(kept.shape == [2, 3] && kept.values(Int64.self) == [0, 0, 0, 0, 0, 2])
        // Without max_output_boxes_per_class nothing is selected.
        #expect(try C.one("NonMaxSuppression", opset: 11, [boxes, scores]).shape == [0, 3])
        #expect(throws: KernelError.self) { try C.one("NonMaxSuppression", opset: 11, [C.floats([1, 3], [0, 0, 1]), scores]) }
        // MaxUnpool: 1×2 values back to their flat positions in the 1×4 unpooled row.
        let unpooled = try C.one("MaxUnpool", opset: 11, [C.floats([1, 1, 1, 2], [5, 6]), C.int64s([1, 1, 1, 2], [1, 3])],
                                 [C.ints("kernel_shape", [1, 2]), C.ints("strides", [1, 2])])
        #expect(unpooled.shape == [1, 1, 1, 4] && unpooled.values(Float.self) == [0, 5, 0, 6])
        #expect(throws: KernelError.self) {
            try C.one("MaxUnpool", opset: 11, [C.floats([1, 1, 1, 2], [5, 6]), C.int64s([1, 1, 1, 2], [1, 9])],
                      [C.ints("kernel_shape", [1, 2]), C.ints("strides", [1, 2])])
        }
    }

    @Test func deformConvWithZeroAndFractionalOffsets() throws {
        let x = C.floats([1, 1, 3, 3], (0..<9).map { Float($0) })
        let w = C.floats([1, 1, 2, 2], [1, 1, 1, 1])
        // Zero offsets: a plain 2×2 convolution (window sums of 0…8).
        let plain = try C.one("DeformConv", opset: 19, [x, w, C.floats([1, 8, 2, 2], [Float](repeating: 0, count: 32))])
        #expect(plain.values(Float.self) == [8, 12, 20, 24])
        // Shifting every tap half a pixel along x interpolates neighbours: output (0, 0) reads
        // 0.5 + 1.5 + 3.5 + 4.5 = 10. Offsets are laid out per tap as (dy, dx).
        var offsets = [Float](repeating: 0, count: 32)
        for tap in 0..<4 { for o in 0..<4 { offsets[(tap * 2 + 1) * 4 + o] = 0.5 } }
        let shifted = try C.one("DeformConv", opset: 19, [x, w, C.floats([1, 8, 2, 2], offsets)])
        #expect(shifted.values(Float.self)?.first == 10)
        #expect(throws: KernelError.self) { try C.one("DeformConv", opset: 19, [x, w, C.floats([1, 4, 2, 2], [Float](repeating: 0, count: 16))]) }
    }
}
