import Foundation
import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport

@Suite struct ComputeTransformerOpsTests {
    @Test func rmsAndLpNormalization() throws {
        // Rows [2, 2] and [1, −1] both have root mean square 1; scale [1, 2].
        let x = C.floats([2, 2], [2, 2, 1, -1])
        let y = try C.one("RMSNormalization", opset: 23, [x, C.floats([2], [1, 2])], [C.float("epsilon", 0)])
        #expect(y.values(Float.self) == [1, 2, 1, -2])
        // Over both axes the mean square is 2.5.
        let all = try C.one("RMSNormalization", opset: 23, [x, C.floats([1], [1])], [C.float("epsilon", 0), C.int("axis", 0)])
        let r = Float(2.5).squareRoot()
        #expect(C.close(all.values(Float.self), [2 / r, 2 / r, 1 / r, -1 / r]))
        // Lp: [3, 4] has L2 norm 5 and L1 norm 7; a zero row stays zero.
        let v = C.floats([2, 2], [3, 4, 0, 0])
        #expect(C.close(try C.one("LpNormalization", opset: 22, [v]).values(Float.self), [0.6, 0.8, 0, 0]))
        #expect(C.close(try C.one("LpNormalization", opset: 1, [v], [C.int("p", 1), C.int("axis", 1)]).values(Float.self),
                        [3.0 / 7, 4.0 / 7, 0, 0]))
        #expect(throws: KernelError.self) { try C.one("LpNormalization", opset: 22, [v], [C.int("p", 3)]) }
    }

    @Test func swiGLU() throws {
        // Swish(0) = 0; Swish(1) = sigmoid(1) = 0.7310586, times B = 2.
        let y = try C.one("SwiGLU", opset: 28, [C.floats([2], [0, 1]), C.floats([2], [5, 2])])
        #expect(C.close(y.values(Float.self), [0, 1.4621172]))
        #expect(throws: KernelError.self) { try C.one("SwiGLU", opset: 28, [C.floats([2], [0, 1]), C.floats([1], [5])]) }
    }

    @Test func rotaryEmbedding() throws {
        // One head of size 2 at positions 0 and 1: the cache rotates position 0 by 0 and position 1 by 90°.
        let x = C.floats([1, 1, 2, 2], [1, 0, 1, 0])
        let cos = C.floats([2, 1], [1, 0]), sin = C.floats([2, 1], [0, 1])
        let y = try C.one("RotaryEmbedding", opset: 23, [x, cos, sin, C.int64s([1, 2], [0, 1])])
        #expect(y.values(Float.self) == [1, 0, 0, 1])
        // 3-D input with two heads of size 2 and per-token caches (no position_ids), interleaved pairs.
        let x3 = C.floats([1, 1, 4], [1, 0, 0, 1])
        let y3 = try C.one("RotaryEmbedding", opset: 23, [x3, C.floats([1, 1, 1], [0]), C.floats([1, 1, 1], [1])],
                           [C.int("num_heads", 2), C.int("interleaved", 1)])
        #expect(y3.values(Float.self) == [0, 1, -1, 0])
        #expect(throws: KernelError.self) {
            try C.one("RotaryEmbedding", opset: 23, [x, cos, sin, C.int64s([1, 2], [0, 2])])
        }
    }
}
