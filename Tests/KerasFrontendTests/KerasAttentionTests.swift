import Foundation
import Testing
@testable import KerasFrontend

/// What the attention mappings refuse, with a message naming the reason (the supported cases are
/// checked against Keras by the `transformer`, `mha_variants` and `attention` fixtures).
@Suite struct KerasAttentionTests {
    static func tensor(_ name: String, _ shape: String) -> String {
        #"{"class_name": "__keras_tensor__", "config": {"shape": \#(shape), "dtype": "float32", "keras_history": ["\#(name)", 0, 0]}}"#
    }

    /// A Keras 3 model: input `x` of `shape`, one `layer` call with `args` and `kwargs` (JSON).
    static func model(shape: String, className: String, config: String, args: String, kwargs: String) throws -> KerasModel {
        try KerasConfigTests.parse("""
            {"module": "keras", "class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": \(shape)}, "inbound_nodes": []},
              {"class_name": "InputLayer", "name": "mask", "config": {"name": "mask", "batch_shape": [null, 3, 3]}, "inbound_nodes": []},
              {"class_name": "\(className)", "name": "att", "config": {"name": "att", \(config)},
               "inbound_nodes": [{"args": \(args), "kwargs": \(kwargs)}]}],
             "input_layers": [["x", 0, 0], ["mask", 0, 0]], "output_layers": ["att", 0, 0]}}
            """)
    }

    /// MultiHeadAttention weights for 1 head, key_dim 2, features 4.
    struct HeadWeights: KerasWeightSource {
        func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight] {
            guard layer.className == "MultiHeadAttention" else { return [] }
            let shapes = [[4, 1, 2], [1, 2], [4, 1, 2], [1, 2], [4, 1, 2], [1, 2], [1, 2, 4], [4]]
            return shapes.enumerated().map { i, shape in
                KerasWeight(name: "w\(i)", shape: shape, values: [Float](repeating: 0.1, count: shape.reduce(1, *)))
            }
        }
    }

    static func failure(_ model: KerasModel) throws -> String {
        let error = #expect(throws: KerasError.self) { try KerasImporter.convert(model, weights: HeadWeights()) }
        return error.map { "\($0)" } ?? ""
    }

    static let mha = #""num_heads": 1, "key_dim": 2"#

    @Test func attentionMaskTensorIsRefused() throws {
        let x = Self.tensor("x", "[null, 3, 4]")
        let model = try Self.model(shape: "[null, 3, 4]", className: "MultiHeadAttention", config: Self.mha,
                                   args: "[\(x), \(x)]", kwargs: #"{"attention_mask": \#(Self.tensor("mask", "[null, 3, 3]"))}"#)
        let message = try Self.failure(model)
        #expect(message.contains("attention_mask") && message.contains("att"), "\(message)")
    }

    @Test func causalMaskNeedsKnownLengths() throws {
        let x = Self.tensor("x", "[null, null, 4]")
        let model = try Self.model(shape: "[null, null, 4]", className: "MultiHeadAttention", config: Self.mha,
                                   args: "[\(x), \(x)]", kwargs: #"{"use_causal_mask": true}"#)
        let message = try Self.failure(model)
        #expect(message.contains("use_causal_mask"), "\(message)")
        // Without the causal mask, unknown lengths are fine.
        let plain = try Self.model(shape: "[null, null, 4]", className: "MultiHeadAttention", config: Self.mha,
                                   args: "[\(x), \(x)]", kwargs: "{}")
        _ = try KerasImporter.convert(plain, weights: HeadWeights())
    }

    @Test func attentionScoresAndOtherAxesAreRefused() throws {
        let x = Self.tensor("x", "[null, 3, 4]")
        let scores = try Self.model(shape: "[null, 3, 4]", className: "Attention", config: #""score_mode": "dot""#,
                                    args: "[[\(x), \(x)]]", kwargs: #"{"return_attention_scores": true}"#)
        #expect(try Self.failure(scores).contains("return_attention_scores"))
        let axes = try Self.model(shape: "[null, 3, 4]", className: "MultiHeadAttention", config: Self.mha + #", "attention_axes": [2]"#,
                                  args: "[\(x), \(x)]", kwargs: "{}")
        #expect(try Self.failure(axes).contains("attention_axes"))
    }
}
