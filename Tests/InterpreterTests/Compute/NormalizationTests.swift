import Foundation
import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport

@Suite struct ComputeNormalizationTests {
    @Test func batchNormalizationInferenceAndTraining() throws {
        // One channel, mean 1, var 3, eps 1: (x − 1)/2 · 2 + 1 = x for scale 2, bias 1... x = [1, 3] → [1, 3].
        let x = C.floats([1, 1, 2], [1, 3])
        let one = C.floats([1], [1]), two = C.floats([1], [2]), three = C.floats([1], [3])
        let y = try C.one("BatchNormalization", opset: 15, [x, two, one, one, three], [C.float("epsilon", 1)])
        #expect(y.values(Float.self) == [1, 3])
        // Training: batch mean 2, var 1; running_mean = 1·0.5 + 2·0.5 = 1.5, running_var = 3·0.5 + 1·0.5 = 2.
        // y = (x − 2)/√(1 + 0) · 2 + 1 = [−1, 3].
        let t = try C.run("BatchNormalization", opset: 15, inputs: [x, two, one, one, three], outputs: 3,
                          attributes: [C.float("epsilon", 0), C.float("momentum", 0.5), C.int("training_mode", 1)])
        #expect(t[0]?.values(Float.self) == [-1, 3] && t[1]?.values(Float.self) == [1.5] && t[2]?.values(Float.self) == [2])
    }

    @Test func layerGroupInstanceNormalization() throws {
        // Rows [1,3] and [2,6]: means 2, 4; variances 1, 4 → standardised [−1, 1] for both (eps 0).
        let x = C.floats([2, 2], [1, 3, 2, 6])
        let outs = try C.run("LayerNormalization", opset: 17, inputs: [x, C.floats([2], [1, 2]), C.floats([2], [0, 1])],
                             outputs: 3, attributes: [C.float("epsilon", 0)])
        #expect(outs[0]?.values(Float.self) == [-1, 3, -1, 3])
        #expect(outs[1]?.shape == [2, 1] && outs[1]?.values(Float.self) == [2, 4])
        #expect(outs[2]?.values(Float.self) == [1, 0.5])
        // Instance norm over planes [1,3] and [2,6] with scale 1, bias 0.
        let planes = C.floats([1, 2, 2], [1, 3, 2, 6])
        let inst = try C.one("InstanceNormalization", opset: 6, [planes, C.floats([2], [1, 1]), C.floats([2], [0, 0])], [C.float("epsilon", 0)])
        #expect(inst.values(Float.self) == [-1, 1, -1, 1])
        // Group norm with one group over both channels: values [1,3,2,6], mean 3, var 3.5.
        let s = Float(3.5).squareRoot()
        let g21 = try C.one("GroupNormalization", opset: 21, [planes, C.floats([2], [1, 2]), C.floats([2], [0, 0])],
                            [C.int("num_groups", 1), C.float("epsilon", 0)])
        #expect(C.close(g21.values(Float.self), [-2 / s, 0, -2 / s, 6 / s]))
        // Opset 18: scale/bias per group (one value here).
        let g18 = try C.one("GroupNormalization", opset: 18, [planes, C.floats([1], [2]), C.floats([1], [1])],
                            [C.int("num_groups", 1), C.float("epsilon", 0)])
        #expect(C.close(g18.values(Float.self), [1 - 4 / s, 1, 1 - 2 / s, 1 + 6 / s]))
    }

    @Test func lrnAndMeanVarianceNormalization() throws {
        // size 1, alpha 1, beta 1, bias 1: y = x / (1 + x²) → 2 / 5.
        let y = try C.one("LRN", opset: 13, [C.floats([1, 1, 1, 1], [2])],
                          [C.int("size", 1), C.float("alpha", 1), C.float("beta", 1)])
        #expect(C.close(y.values(Float.self), [0.4]))
        // MVN over axis 1 of [[1,3]]: mean 2, std 1 → [−1, 1].
        let m = try C.one("MeanVarianceNormalization", opset: 13, [C.floats([1, 2], [1, 3])], [C.ints("axes", [1])])
        #expect(C.close(m.values(Float.self), [-1, 1]))
    }
}
