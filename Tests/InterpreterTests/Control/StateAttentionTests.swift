import Foundation
import Testing
import ONNX
@testable import Interpreter

private typealias S = ControlTestSupport

/// LinearAttention, CausalConvWithState, FlexAttention, TensorScatter and ConvInteger on values small
/// enough to check by hand.
@Suite struct StateAttentionTests {
    // One head of size 1, scale 1: q = [1, 2], k = [1, 1], v = [3, 4] over two steps.
    private let q = S.floats([1, 2, 1], [1, 2]), k = S.floats([1, 2, 1], [1, 1]), v = S.floats([1, 2, 1], [3, 4])
    private let heads = [S.int("q_num_heads", 1), S.int("kv_num_heads", 1), S.float("scale", 1)]

    @Test func linearAttentionAccumulatesTheState() throws {
        // S = 3 then 7; o = 1·3, 2·7.
        let out = try S.tensors("LinearAttention", opset: 27, [q, k, v], outputs: 2, heads + [S.string("update_rule", "linear")])
        #expect(out[0].floats() == [3, 14])
        #expect(out[1].shape == [1, 1, 1, 1] && out[1].floats() == [7])
    }

    @Test func linearAttentionGatesAndCorrects() throws {
        // gated, decay ln ½: S = 3, then 3·½ + 4 = 5.5 → o = [3, 11].
        let decay = S.floats([1, 2, 1], [logf(0.5), logf(0.5)])
        let gated = try S.tensors("LinearAttention", opset: 27, [q, k, v, nil, decay], outputs: 2,
                                  heads + [S.string("update_rule", "gated")])
        #expect(S.close(gated[0].floats(), [3, 11]))
        // delta, beta 1: the second step writes 4 − Sᵀk = 1, so S = 4 → o = [3, 8].
        let beta = S.floats([1, 2, 1], [1, 1])
        let delta = try S.tensors("LinearAttention", opset: 27, [q, k, v, nil, nil, beta], outputs: 2,
                                  heads + [S.string("update_rule", "delta")])
        #expect(S.close(delta[0].floats(), [3, 8]))
    }

    @Test func linearAttentionRejectsAMissingGate() {
        #expect(throws: KernelError.self) {
            try S.tensors("LinearAttention", opset: 27, [q, k, v], outputs: 2, heads + [S.string("update_rule", "gated")])
        }
    }

    @Test func causalConvPrefixesTheState() throws {
        // weight [1, 10] over [0, 1, 2, 3] (zero state) = [10, 21, 32]; with past state 5 the first is 15.
        let x = S.floats([1, 1, 3], [1, 2, 3]), w = S.floats([1, 1, 2], [1, 10])
        let fresh = try S.tensors("CausalConvWithState", opset: 27, [x, w], outputs: 2)
        #expect(fresh[0].floats() == [10, 21, 32])
        #expect(fresh[1].floats() == [3])
        let resumed = try S.tensors("CausalConvWithState", opset: 27, [x, w, nil, S.floats([1, 1, 1], [5])], outputs: 2)
        #expect(resumed[0].floats() == [15, 21, 32])
        #expect(throws: KernelError.self) {
            try S.tensors("CausalConvWithState", opset: 27, [x, S.floats([1, 2, 1], [1, 1])], outputs: 2)
        }
    }

    @Test func flexAttentionRunsItsModifiers() throws {
        // Scores [0, ln 3] → softmax [¼, ¾] → Y = ¼·2 + ¾·4 = 3.5; a score_mod doubling the scores gives
        // [0, ln 9] → [0.1, 0.9] → 3.8.
        let query = S.floats([1, 1, 1, 1], [1]), key = S.floats([1, 1, 2, 1], [0, logf(3)])
        let value = S.floats([1, 1, 2, 1], [2, 4])
        let plain = try NodeRunner.run("FlexAttention", domain: "ai.onnx.preview", opset: 1,
                                       inputs: [.tensor(query), .tensor(key), .tensor(value)])
        #expect(S.close(plain[0]?.tensor?.floats(), [3.5]))
        let double = Graph(name: "score_mod", nodes: [Node(opType: "Add", inputs: ["s", "s"], outputs: ["t"])],
                           inputs: [Value(name: "s")], outputs: [Value(name: "t")])
        let modified = try NodeRunner.run("FlexAttention", domain: "ai.onnx.preview", opset: 1,
                                          inputs: [.tensor(query), .tensor(key), .tensor(value)],
                                          attributes: [S.graph("score_mod", double)])
        #expect(S.close(modified[0]?.tensor?.floats(), [3.8]))
        #expect(throws: KernelError.self) {
            try NodeRunner.run("FlexAttention", domain: "ai.onnx.preview", opset: 1,
                               inputs: [.tensor(S.floats([1, 1, 1], [1])), .tensor(key), .tensor(value)])
        }
    }

    @Test func tensorScatterWrapsInCircularMode() throws {
        // Cache [1, 3, 1]; writing [7, 8] from position 2 wraps to positions 2 and 0.
        let cache = S.floats([1, 3, 1], [0, 0, 0]), update = S.floats([1, 2, 1], [7, 8])
        let start = TensorValue(shape: [1], values: [Int64(2)])
        let out = try S.tensors("TensorScatter", opset: 24, [cache, update, start], [S.string("mode", "circular")])
        #expect(out[0].floats() == [8, 0, 7])
        #expect(throws: KernelError.self) { try S.tensors("TensorScatter", opset: 24, [cache, update, start]) }
    }

    @Test func convIntegerSubtractsZeroPoints() throws {
        // (x − 1) = [1, 2, 3, 4] under an all-ones 2×2 kernel sums to 10.
        let x = TensorValue(shape: [1, 1, 2, 2], values: [UInt8(2), 3, 4, 5])
        let w = TensorValue(shape: [1, 1, 2, 2], values: [UInt8(1), 1, 1, 1])
        let out = try S.tensors("ConvInteger", opset: 10, [x, w, TensorValue.scalar(UInt8(1))])
        #expect(out[0].shape == [1, 1, 1, 1] && out[0].values(Int32.self) == [10])
        #expect(throws: KernelError.self) { try S.tensors("ConvInteger", opset: 10, [S.floats([1, 1, 2, 2], [1, 2, 3, 4]), w]) }
    }
}
