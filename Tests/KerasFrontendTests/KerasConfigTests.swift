import Foundation
import Testing
import Interpreter
@testable import KerasFrontend

private struct NoWeights: KerasWeightSource {
    func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight] { [] }
}

/// Model configs as Keras 2 and 3 write them: calls, shared layers, unsupported layers listed all at once.
@Suite struct KerasConfigTests {
    static func parse(_ text: String) throws -> KerasModel {
        try KerasModel.parse(try JSONValue.parse(Data(text.utf8)))
    }

    @Test func keras3CallsWithNestedArgumentsAndKeywordTensors() throws {
        let tensor = { (name: String) in
            #"{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["\#(name)", 0, 0]}}"#
        }
        let model = try Self.parse("""
            {"module": "keras", "class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_shape": [null, 4]}, "inbound_nodes": []},
              {"class_name": "InputLayer", "name": "b", "config": {"name": "b", "batch_shape": [null, 4]}, "inbound_nodes": []},
              {"class_name": "Add", "name": "add", "config": {"name": "add"},
               "inbound_nodes": [{"args": [[\(tensor("a")), \(tensor("b"))]], "kwargs": {}}]},
              {"class_name": "MultiHeadAttention", "name": "mha", "config": {"name": "mha"},
               "inbound_nodes": [{"args": [\(tensor("add"))], "kwargs": {"value": \(tensor("b")), "training": false}}]}],
             "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": ["mha", 0, 0]}}
            """)
        #expect(model.kerasVersion == 3)
        #expect(model.outputs == [KerasTensorRef("mha")])
        #expect(model.layer(named: "add")?.calls.first?.inputs == [KerasTensorRef("a"), KerasTensorRef("b")])
        let mha = try #require(model.layer(named: "mha")?.calls.first)
        #expect(mha.tensorArguments["value"] == KerasTensorRef("b") && mha.options["training"] == .bool(false))
    }

    @Test func keras2NestedModelCallsAreRenumbered() throws {
        // Keras 2 refers to a shared nested model's two calls as nodes 1 and 2.
        let model = try Self.parse("""
            {"class_name": "Functional", "keras_version": "2.21.0", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
              {"class_name": "Sequential", "name": "sub", "config": {"name": "sub", "layers": [
                 {"class_name": "InputLayer", "config": {"name": "sub_in", "batch_input_shape": [null, 3]}},
                 {"class_name": "Dense", "config": {"name": "d", "units": 3}}]},
               "inbound_nodes": [[["x", 0, 0, {}]], [["sub", 1, 0, {}]]]},
              {"class_name": "Add", "name": "add", "config": {"name": "add"},
               "inbound_nodes": [[["sub", 1, 0, {}], ["sub", 2, 0, {}]]]}],
             "input_layers": [["x", 0, 0]], "output_layers": [["add", 0, 0]]}}
            """)
        #expect(model.kerasVersion == 2)
        let sub = try #require(model.layer(named: "sub"))
        #expect(sub.submodel?.layers.map(\.name) == ["sub_in", "d"])
        #expect(sub.calls[1].inputs == [KerasTensorRef("sub", 0, 0)])
        #expect(model.layer(named: "add")?.calls.first?.inputs == [KerasTensorRef("sub", 0, 0), KerasTensorRef("sub", 1, 0)])
    }

    @Test func everyUnsupportedLayerIsListed() throws {
        let model = try Self.parse("""
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [null, 2]}},
              {"class_name": "Lambda", "config": {"name": "fn"}},
              {"class_name": "MyCustomLayer", "config": {"name": "custom"}}]}}
            """)
        #expect(model.layers.first?.className == "InputLayer")
        #expect(throws: KerasError.unsupportedLayers([.init("Lambda", "fn"), .init("MyCustomLayer", "custom")])) {
            try KerasImporter.convert(model, weights: NoWeights())
        }
    }

    @Test func oneValueAsTwoOutputs() throws {
        let model = try Self.parse("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
              {"class_name": "ReLU", "name": "r", "config": {"name": "r"}, "inbound_nodes": [[["x", 0, 0, {}]]]}],
             "input_layers": [["x", 0, 0]], "output_layers": [["r", 0, 0], ["r", 0, 0]]}}
            """)
        let (onnx, _) = try KerasImporter.convert(model, weights: NoWeights())
        let result = try Interpreter(model: onnx).run(["x": .tensor(TensorValue(shape: [1, 3], values: [Float(-1), 2, -3]))])
        #expect(result.outputs.count == 2)
        for output in result.outputs { #expect(output.value.tensor?.values(Float.self) == [0, 2, 0], "\(output.name)") }
        #expect(Set(result.outputs.map(\.name)).count == 2)
    }

    @Test func normalizationWithStatisticsInTheConfig() throws {
        // (x − mean) / √variance per channel, and back with invert.
        for invert in [false, true] {
            let model = try Self.parse("""
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [null, 2, 3]}},
                  {"class_name": "Normalization", "config": {"name": "n", "axis": -1, "mean": [1, 2, 3],
                   "variance": [4, 1, 0.25], "invert": \(invert)}}]}}
                """)
            let (onnx, _) = try KerasImporter.convert(model, weights: NoWeights())
            let x: [Float] = [3, 2, 4, -1, 0, 3.5]
            let result = try Interpreter(model: onnx).run(["x": .tensor(TensorValue(shape: [1, 2, 3], values: x))])
            let expected: [Float] = invert ? [7, 4, 5, -1, 2, 4.75] : [1, 0, 2, -1, -2, 1]
            #expect(result.outputs.first?.value.tensor?.values(Float.self) == expected, "invert \(invert)")
        }
    }

    @Test func jsonValuesAsPythonWritesThem() throws {
        let text = #"{"a": [1, -2.5e3, 0, true, false, null], "s": "tab\tquote\" \u00e9 \ud83d\ude00 \/", "x": NaN, "y": -Infinity, "z": Infinity, "e": {}, "l": []}"#
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value["a"] == .array([.number(1), .number(-2500), .number(0), .bool(true), .bool(false), .null]))
        #expect(value["s"]?.string == "tab\tquote\" é 😀 /")
        #expect(value["x"]?.double?.isNaN == true)
        #expect(value["y"]?.double == -.infinity && value["z"]?.double == .infinity)
        #expect(value["e"] == .object([:]) && value["l"] == .array([]))
        #expect(try JSONValue.parse(Data(#" [ "\\u00" , 1 ] "#.utf8)) == .array([.string(#"\u00"#), .number(1)]))
    }

    @Test func brokenJSONIsAnError() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        for text in ["{", "[1,]", "[1 2]", #"{"a" 1}"#, #""open"#, "tru", "[1] x", #""\u12""#, "\"a\u{01}\"", "-", deep] {
            #expect(throws: KerasError.self, "\(text.prefix(20))") { try JSONValue.parse(Data(text.utf8)) }
        }
    }

    @Test func malformedConfigsAreErrors() {
        for text in ["", "[1, 2]", #"{"class_name": "Dense", "config": {}}"#, #"{"class_name": "Sequential", "config": {"layers": []}}"#] {
            #expect(throws: KerasError.self, "\(text)") { try Self.parse(text) }
        }
    }

    @Test func snakeCaseKeysAsKerasMakesThem() {
        let cases = ["Conv2D": "conv2d", "BatchNormalization": "batch_normalization", "PReLU": "p_re_lu", "ReLU": "re_lu",
                     "Conv2DTranspose": "conv2d_transpose", "GlobalAveragePooling2D": "global_average_pooling2d",
                     "LSTM": "lstm", "MultiHeadAttention": "multi_head_attention", "InputLayer": "input_layer"]
        for (name, key) in cases { #expect(KerasVarsWeights.snakeCase(name) == key, "\(name)") }
    }

    @Test func catalogNotesNameMappedLayers() {
        for name in KerasLayerCatalog.notes.keys { #expect(LayerMappings.all[name] != nil, "\(name)") }
        for (name, _) in KerasLayerCatalog.refused { #expect(LayerMappings.all[name] == nil, "\(name)") }
        let page = KerasLayerCatalog.markdown()
        for name in LayerMappings.all.keys { #expect(page.contains(name), "\(name)") }
    }
}
