import Foundation
import Testing
import ONNX
@testable import Interpreter

/// The ai.onnx.ml kernels on small inputs.
@Suite struct MLTests {
    private func run(_ op: String, opset: Int, _ inputs: [TensorValue], _ attributes: [Attribute] = []) throws -> TensorValue? {
        try NodeRunner.run(op, domain: "ai.onnx.ml", opset: opset, inputs: inputs.map { .tensor($0) }, attributes: attributes)[0]?.tensor
    }
    private func ints(_ name: String, _ values: [Int64]) -> Attribute { Attribute(name: name, value: .ints(values)) }
    private func tensor(_ name: String, _ value: TensorValue) -> Attribute {
        Attribute(name: name, value: .tensor(value.onnxTensor(name: name)))
    }

    @Test func binarizerKeepsTheType() throws {
        let threshold = [Attribute(name: "threshold", value: .float(1))]
        #expect(try run("Binarizer", opset: 1, [TensorValue(shape: [2], values: [Float(0.5), 1.5])], threshold)?.floats() == [0, 1])
        #expect(try run("Binarizer", opset: 1, [TensorValue(shape: [2], values: [Int64(1), 2])], threshold)?.values(Int64.self) == [0, 1])
    }

    @Test func arrayFeatureExtractorPicksColumns() throws {
        let x = TensorValue(shape: [2, 3], values: [Float(0), 1, 2, 3, 4, 5])
        let out = try run("ArrayFeatureExtractor", opset: 1, [x, TensorValue(shape: [2], values: [Int64(2), 0])])
        #expect(out == TensorValue(shape: [2, 2], values: [Float(2), 0, 5, 3]))
        #expect(throws: KernelError.self) { try run("ArrayFeatureExtractor", opset: 1, [x, TensorValue(shape: [1], values: [Int64(3)])]) }
    }

    @Test func labelEncoderMapsAndFallsBack() throws {
        let keys = Attribute(name: "keys_strings", value: .strings([Data("a".utf8), Data("b".utf8)]))
        let x = TensorValue(shape: [3], values: ["b", "c", "a"])
        let plain = try run("LabelEncoder", opset: 2, [x], [keys, ints("values_int64s", [1, 2])])
        #expect(plain?.values(Int64.self) == [2, -1, 1])
        let typed = try run("LabelEncoder", opset: 4, [x], [keys, tensor("values_tensor", TensorValue(shape: [2], values: [Int16(1), 2])),
                                                            tensor("default_tensor", TensorValue(shape: [1], values: [Int16(9)]))])
        #expect(typed?.values(Int16.self) == [2, 9, 1])
        #expect(throws: KernelError.self) { try run("LabelEncoder", opset: 2, [x], [keys, ints("values_int64s", [1])]) }
    }

    /// A stump: feature 0 ≤ 0.5 leads to leaf 0 (weight 1), else leaf 1 (weight 2), both on target 0.
    private func stump(mode: UInt8) -> [Attribute] {
        [
            ints("nodes_featureids", [0]), tensor("nodes_splits", TensorValue(shape: [1], values: [Float(0.5)])),
            tensor("nodes_modes", TensorValue(shape: [1], values: [mode])),
            ints("nodes_truenodeids", [0]), ints("nodes_falsenodeids", [1]),
            ints("nodes_trueleafs", [1]), ints("nodes_falseleafs", [1]),
            ints("leaf_targetids", [0, 0]), tensor("leaf_weights", TensorValue(shape: [2], values: [Float(1), 2])),
            ints("tree_roots", [0]), Attribute(name: "n_targets", value: .int(1)),
        ]
    }

    @Test func treeEnsembleFollowsTheSplit() throws {
        let x = TensorValue(shape: [3, 1], values: [Float(0), 1, .nan])
        #expect(try run("TreeEnsemble", opset: 5, [x], stump(mode: 0))?.floats() == [1, 2, 2])
        // Set membership without membership_values is rejected.
        #expect(throws: KernelError.self) { try run("TreeEnsemble", opset: 5, [x], stump(mode: 6)) }
    }
}
