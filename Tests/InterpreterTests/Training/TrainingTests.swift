import Foundation
import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport
private let trainingDomain = "ai.onnx.preview.training"

/// One step of a training-domain optimizer, all outputs.
private func optimize(_ op: String, _ inputs: [TensorValue], outputs: Int, _ attributes: [Attribute]) throws -> [[Float]?] {
    try NodeRunner.run(op, domain: trainingDomain, opset: 1, tensors: inputs, outputs: outputs, attributes: attributes)
        .map { $0?.values(Float.self) }
}

private func step(_ t: Int64) -> [TensorValue] { [.scalar(Float(0.1)), .scalar(t)] }

@Suite struct TrainingTests {
    @Test func negativeLogLikelihoodReductionsWeightsAndIgnoreIndex() throws {
        // Log-probabilities of 2 samples × 2 classes, targets [0, 1]: losses 1 and 4.
        let x = C.floats([2, 2], [-1, -2, -3, -4]), target = C.int64s([2], [0, 1])
        let op = "NegativeLogLikelihoodLoss"
        #expect(try C.one(op, opset: 22, [x, target]).values(Float.self) == [2.5])
        #expect(try C.one(op, opset: 22, [x, target], [C.string("reduction", "sum")]).values(Float.self) == [5])
        let none = try C.one(op, opset: 22, [x, target], [C.string("reduction", "none")])
        #expect(none.shape == [2] && none.values(Float.self) == [1, 4])
        // Weights [1, 3]: losses 1 and 12, mean over the total weight 4.
        #expect(try C.one(op, opset: 13, [x, target, C.floats([2], [1, 3])]).values(Float.self) == [3.25])
        // Target 1 ignored: only the first sample counts.
        #expect(try C.one(op, opset: 13, [x, target], [C.int("ignore_index", 1)]).values(Float.self) == [1])
        #expect(throws: KernelError.self) { try C.one(op, opset: 13, [x, C.int64s([2], [0, 5])]) }
    }

    @Test func softmaxCrossEntropyWithLogProb() throws {
        // Equal scores: log-probabilities −ln 2 each, so the loss is ln 2 whatever the label.
        let outs = try C.run("SoftmaxCrossEntropyLoss", opset: 13, inputs: [C.floats([1, 2], [0, 0]), C.int64s([1], [1])], outputs: 2)
        #expect(C.close(outs[0]?.values(Float.self), [log(2)]) && outs[0]?.shape == [])
        #expect(C.close(outs[1]?.values(Float.self), [-log(2), -log(2)]) && outs[1]?.shape == [1, 2])
        #expect(throws: KernelError.self) {
            try C.one("SoftmaxCrossEntropyLoss", opset: 13, [C.floats([2], [0, 0]), C.int64s([1], [1])])
        }
    }

    @Test func adagradAdamMomentumSteps() throws {
        let x = C.floats([1], [1]), g = C.floats([1], [2]), zero = C.floats([1], [0]), one = C.floats([1], [1])
        // Adagrad: H = 0 + 2² = 4; X = 1 − 0.1·2/√4 = 0.9.
        let adagrad = try optimize("Adagrad", step(0) + [x, g, zero], outputs: 2, [C.float("epsilon", 0)])
        #expect(C.close(adagrad[0], [0.9]) && adagrad[1] == [4])
        // Adam at T = 0: V = 0.5·2 = 1, H = 0.25·4 = 1; X = 1 − 0.1·1/1 = 0.9.
        let adam = try optimize("Adam", step(0) + [x, g, zero, zero], outputs: 3,
                                [C.float("alpha", 0.5), C.float("beta", 0.75), C.float("epsilon", 0)])
        #expect(C.close(adam[0], [0.9]) && adam[1] == [1] && adam[2] == [1])
        // Momentum: at T = 0 the gradient weighs 1, V = 0.5·1 + 2 = 2.5; standard X = 1 − 0.25, Nesterov
        // X = 1 − 0.1·(2 + 0.5·2.5). At T = 1 it weighs beta: V = 0.5 + 0.2 = 0.7, X = 0.93.
        func momentum(_ t: Int64, _ mode: String) throws -> [[Float]?] {
            try optimize("Momentum", step(t) + [x, g, one], outputs: 2,
                         [C.float("alpha", 0.5), C.float("beta", 0.1), C.float("norm_coefficient", 0), C.string("mode", mode)])
        }
        #expect(try C.close(momentum(0, "standard")[0], [0.75]) && momentum(0, "standard")[1] == [2.5])
        #expect(try C.close(momentum(0, "nesterov")[0], [0.675]))
        #expect(try C.close(momentum(1, "standard")[0], [0.93]) && C.close(momentum(1, "standard")[1], [0.7]))
    }

    @Test func optimizerInputsAreChecked() throws {
        let x = C.floats([1], [1])
        // Adagrad needs X, G and H for each optimised tensor.
        #expect(throws: KernelError.self) { try optimize("Adagrad", step(0) + [x, x], outputs: 2, []) }
        // T must be an int64 count.
        #expect(throws: KernelError.self) {
            try optimize("Adagrad", [.scalar(Float(0.1)), .scalar(Float(0)), x, x, x], outputs: 2, [])
        }
        // G of another shape than X.
        #expect(throws: KernelError.self) { try optimize("Adagrad", step(0) + [x, C.floats([2], [1, 1]), x], outputs: 2, []) }
    }
}
