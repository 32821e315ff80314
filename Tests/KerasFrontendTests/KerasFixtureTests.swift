import Foundation
import Testing
import ONNX
import TensorIO
import Interpreter
import Parity
@testable import KerasFrontend

/// The Keras fixtures of testdata/keras (written by Keras 2 and 3 through converters/keras/make_fixtures.py,
/// with outputs recorded by Keras from the reloaded files): each converts, and the converted model run by
/// the reference interpreter matches Keras's outputs within max |error| / max |keras| ≤ 1e-4.
@Suite struct KerasFixtureTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("testdata/keras")

    struct Case: Sendable, CustomTestStringConvertible {
        var folder: String
        var model: String
        var weights: String?
        var io: String
        var testDescription: String { "\(folder)/\(model)" + (weights.map { " + \($0)" } ?? "") }
    }

    static let models = ["mlp", "cnn", "flatten_cnn", "flatten_heads", "functional", "activations", "activations_extra",
                         "activations_parallel", "embedding", "conv1d", "conv3d", "nested", "transformer",
                         "mha_variants", "rnn", "rnn2", "gru_v1", "separable_conv", "conv_transpose", "cropping",
                         "upsampling", "resizing", "channels_first", "group_unit_norm", "dot", "einsum_dense",
                         "time_distributed", "masking", "convnext_block", "custom_scale", "mobilenet_v2_small",
                         "residual_blocks", "conv_lstm"]

    /// Models that a Keras version cannot save or reload in every format, with the files that exist
    /// (make_fixtures.py skips the others and says why).
    static let partial: [(model: String, files: [String])] = [
        // Keras 3.15 cannot reload its own legacy .h5 of `attention` (score_mode "dot" comes back as a function).
        ("attention", ["k2/attention.h5", "k2/attention.keras", "k3/attention.keras"]),
        // Python arithmetic on tensors: tf-keras saves TFOpLambda layers, Keras 3 keras.ops layers (and
        // cannot reload its own legacy .h5 of them).
        ("tf_ops", ["k2/tf_ops.h5", "k2/tf_ops.keras", "k3/tf_ops.keras"]),
        // Keras 3.15 reloads its legacy .h5 of a UnitNormalization over a list of axes with axis=-1.
        ("unit_norm_axes", ["k2/unit_norm_axes.h5", "k2/unit_norm_axes.keras", "k3/unit_norm_axes.keras"]),
    ]

    static let cases: [Case] = {
        func file(_ path: String, model: String, weights: String? = nil) -> Case {
            let parts = path.split(separator: "/").map(String.init)
            return Case(folder: parts[0], model: parts[1], weights: weights, io: "\(model).io.npz")
        }
        var cases: [Case] = []
        for name in models {
            for path in ["k2/\(name).h5", "k2/\(name).keras", "k3/\(name).h5", "k3/\(name).keras"] { cases.append(file(path, model: name)) }
        }
        for (name, files) in partial { cases += files.map { file($0, model: name) } }
        // Architecture JSON with weights in the legacy layout (k2 only) and in the Keras 3 one.
        cases.append(file("k2/cnn.json", model: "cnn", weights: "cnn_weights.h5"))
        cases.append(file("k2/cnn.json", model: "cnn", weights: "cnn.weights.h5"))
        cases.append(file("k3/cnn.json", model: "cnn", weights: "cnn.weights.h5"))
        return cases
    }()

    /// Converts, runs the converted model on the recorded inputs, returns the worst relative error.
    static func worstError(_ c: Case, opset: Int = 17) throws -> Double {
        let folder = root.appendingPathComponent(c.folder)
        let file = try KerasModelFile.load(model: folder.appendingPathComponent(c.model).path,
                                           weights: c.weights.map { folder.appendingPathComponent($0).path })
        let (model, _) = try file.convert(options: KerasImportOptions(opset: opset))
        let graph = try #require(model.graph)
        let read = Set(graph.nodes.flatMap(\.inputs))
        #expect(graph.initializers.allSatisfy { read.contains($0.name) }, "initializers nobody reads")
        let bundle = try IOBundle.read(from: folder.appendingPathComponent(c.io), for: graph)
        var feeds: [String: RuntimeValue] = [:]
        for tensor in bundle.inputs { feeds[tensor.name] = .tensor(try TensorValue(tensor)) }
        let result = try Interpreter(model: model).run(feeds)
        #expect(result.outputs.count == bundle.outputs.count)
        var worst = 0.0
        for (expected, output) in zip(bundle.outputs, result.outputs) {
            let ours = try #require(output.value.tensor), theirs = try TensorValue(expected)
            let error = try #require(ValueComparison.scaledError(ours, theirs), "output \(output.name)")
            worst = max(worst, error)
        }
        return worst
    }

    @Test(arguments: cases)
    func convertsAndMatchesKeras(_ c: Case) throws {
        let error = try Self.worstError(c)
        #expect(error <= 1e-4, "max |error| / max |keras| = \(error)")
    }

    /// Plain CNNs keep one Transpose, at the image input: none inside (residual and dense blocks, SE-free
    /// MobileNetV2), and none before a Flatten head, which flattens the channels-first value while Dense
    /// takes the features in that order (rows of its kernel permuted).
    @Test(arguments: ["k2/flatten_cnn.h5", "k3/flatten_cnn.keras", "k2/mobilenet_v2_small.h5", "k3/mobilenet_v2_small.keras",
                      "k2/residual_blocks.h5", "k3/residual_blocks.keras", "k3/cnn.keras"])
    func plainCNNsKeepOneTransposeAtTheInput(_ path: String) throws {
        let file = try KerasModelFile.load(model: Self.root.appendingPathComponent(path).path)
        let (model, summary) = try file.convert()
        let graph = try #require(model.graph)
        #expect(summary.transposes == 1)
        let transpose = graph.nodes.first { $0.opType == "Transpose" }
        #expect(transpose?.inputs == graph.inputs.map(\.name))
        #expect(!graph.nodes.contains { $0.opType == "Gather" })
    }

    /// A reordered Flatten output that reaches a layer other than Dense is put back in Keras's order.
    @Test func reorderedFeaturesAreRestoredForOtherLayers() throws {
        let builder = GraphBuilder(opset: 17)
        let tensor = KerasTensor(name: "x", shape: [nil, 6], featureOrder: ReshapingLayers.channelsFirstOrder([1, 3, 2]))
        #expect(tensor.featureOrder == [0, 2, 4, 1, 3, 5])
        let restored = Layout.kerasOrder(tensor, builder)
        #expect(restored.featureOrder == nil)
        let gather = try #require(builder.nodes.last)
        #expect(gather.opType == "Gather")
        let indices = try #require(builder.initializers.last).int64Values()
        // Keras feature k sits at position inverse[k]: order[inverse[k]] == k.
        #expect(indices == [0, 3, 1, 4, 2, 5])
    }

    @Test(arguments: [13, 18, 20])
    func otherOpsetsMatchToo(opset: Int) throws {
        for model in ["cnn", "activations_parallel", "transformer", "mha_variants", "attention", "conv_transpose",
                      "upsampling", "resizing", "group_unit_norm", "unit_norm_axes", "dot", "time_distributed", "masking"] {
            let error = try Self.worstError(Case(folder: "k3", model: "\(model).keras", io: "\(model).io.npz"), opset: opset)
            #expect(error <= 1e-4, "\(model) opset \(opset): \(error)")
        }
    }

    @Test func nodesNameTheirKerasLayer() throws {
        let file = try KerasModelFile.load(model: Self.root.appendingPathComponent("k3/cnn.h5").path)
        let (model, summary) = try file.convert()
        let nodes = try #require(model.graph?.nodes)
        #expect(summary.nodes == nodes.count && summary.layers > 5 && summary.parameters > 1000)
        for node in nodes {
            let layer = node.metadata.first { $0.key == "keras_layer" }?.value
            #expect(layer != nil && node.name.hasPrefix((layer ?? "?") + "/"), "\(node.label)")
        }
        #expect(model.graph?.inputs.map(\.name) == ["image"])
        // A plain CNN keeps one Transpose, at its image input; the ones around each Conv and pool cancel.
        #expect(summary.transposes == 1 && nodes.filter { $0.opType == "Transpose" }.count == 1)
        #expect(nodes.first?.opType == "Transpose")
    }
}
