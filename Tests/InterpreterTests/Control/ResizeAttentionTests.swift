import Testing
import ONNX
@testable import Interpreter

private typealias S = ControlTestSupport

@Suite struct ResizeAttentionTests {
    @Test func resizeNearestUpsamplesByRepeating() throws {
        // asymmetric + floor: output j reads input floor(j / 2): [1, 1, 2, 2].
        let x = S.floats([1, 2], [1, 2])
        let scales = S.floats([2], [1, 2])
        let out = try S.tensors("Resize", opset: 13, [x, nil, scales],
                                [S.string("coordinate_transformation_mode", "asymmetric"), S.string("nearest_mode", "floor")])
        #expect(out[0].floats() == [1, 1, 2, 2])
    }

    @Test func resizeLinearHalfPixel() throws {
        // 2 → 4 with half_pixel: x = (j + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped taps give
        // 1, 1.25, 1.75, 2 for input [1, 2].
        let x = S.floats([1, 2], [1, 2])
        let sizes = TensorValue(shape: [2], values: [Int64(1), 4])
        let out = try S.tensors("Resize", opset: 19, [x, nil, nil, sizes], [S.string("mode", "linear")])
        #expect(S.close(out[0].floats(), [1, 1.25, 1.75, 2]))
    }

    @Test func upsampleNearest() throws {
        let x = S.floats([1, 1, 2], [3, 4])
        let out = try S.tensors("Upsample", opset: 9, [x, S.floats([3], [1, 1, 2])])
        #expect(out[0].floats() == [3, 3, 4, 4])
    }

    @Test func attentionAveragesValuesForEqualScores() throws {
        // Q·Kᵀ is the same for both keys, so the softmax is [0.5, 0.5] and Y is the mean of V's rows;
        // with is_causal the first query only sees key 0.
        let q = S.floats([1, 1, 2, 2], [0, 0, 0, 0])
        let k = S.floats([1, 1, 2, 2], [1, 2, 3, 4])
        let v = S.floats([1, 1, 2, 2], [10, 20, 30, 40])
        let plain = try S.tensors("Attention", opset: 23, [q, k, v])
        #expect(S.close(plain[0].floats(), [20, 30, 20, 30]))
        let causal = try S.tensors("Attention", opset: 23, [q, k, v], [S.int("is_causal", 1)])
        #expect(S.close(causal[0].floats(), [10, 20, 20, 30]))
    }
}
