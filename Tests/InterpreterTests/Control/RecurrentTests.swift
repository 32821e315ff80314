import Foundation
import Testing
import ONNX
@testable import Interpreter

private typealias S = ControlTestSupport

@Suite struct RecurrentTests {
    @Test func rnnAppliesTanhCell() throws {
        // hidden 1, input 1, W = 0.5, R = 1, no bias, X = [1, 2] over 2 steps:
        // h1 = tanh(0.5) = 0.46211716, h2 = tanh(1.0 + 0.46211716) = tanh(1.46211716) = 0.89806306
        let x = S.floats([2, 1, 1], [1, 2])
        let w = S.floats([1, 1, 1], [0.5]), r = S.floats([1, 1, 1], [1])
        let out = try S.tensors("RNN", opset: 14, [x, w, r], outputs: 2, [S.int("hidden_size", 1)])
        #expect(out[0].shape == [2, 1, 1, 1])
        #expect(S.close(out[0].floats(), [0.46211716, 0.89806306]))
        #expect(S.close(out[1].floats(), [0.89806306]))
    }

    @Test func rnnReverseRespectsSequenceLengths() throws {
        // Batch entry 0 has length 1 of 2: the reverse pass reads only X[0] and Y[1] stays zero.
        // Identity activation (Affine 1, 0) with W = 1, R = 0: Y = X where valid.
        let x = S.floats([2, 2, 1], [1, 2, 3, 4])
        let w = S.floats([1, 1, 1], [1]), r = S.floats([1, 1, 1], [0])
        let lengths = TensorValue(shape: [2], values: [Int32(1), 2])
        let out = try S.tensors("RNN", opset: 14, [x, w, r, nil, lengths], outputs: 2,
                                [S.int("hidden_size", 1), S.string("direction", "reverse"),
                                 Attribute(name: "activations", value: .strings([Data("Affine".utf8)]))])
        #expect(out[0].floats() == [1, 2, 0, 4])
        // Y_h is the state after the last processed step (time 0 for a reverse pass).
        #expect(out[1].floats() == [1, 2])
    }

    @Test func gruWithZeroWeightsHalvesTheState() throws {
        // All weights 0: z = r = sigmoid(0) = 0.5, h̃ = tanh(0) = 0, so H' = 0.5·H.
        let x = S.floats([1, 1, 1], [3])
        let w = S.floats([1, 3, 1], [0, 0, 0]), r = S.floats([1, 3, 1], [0, 0, 0])
        let h0 = S.floats([1, 1, 1], [0.8])
        let out = try S.tensors("GRU", opset: 14, [x, w, r, nil, nil, h0], outputs: 2, [S.int("hidden_size", 1)])
        #expect(S.close(out[1].floats(), [0.4]))
    }

    @Test func lstmCellUpdate() throws {
        // All weights 0 and bias 0: i = f = o = 0.5, c̃ = tanh(0) = 0, C' = 0.5·C0 = 1, H' = 0.5·tanh(1) = 0.38079708.
        let x = S.floats([1, 1, 1], [1])
        let w = S.floats([1, 4, 1], [0, 0, 0, 0]), r = S.floats([1, 4, 1], [0, 0, 0, 0])
        let c0 = S.floats([1, 1, 1], [2])
        let out = try S.tensors("LSTM", opset: 14, [x, w, r, nil, nil, nil, c0], outputs: 3, [S.int("hidden_size", 1)])
        #expect(S.close(out[2].floats(), [1]))
        #expect(S.close(out[1].floats(), [0.38079708]))
    }
}
