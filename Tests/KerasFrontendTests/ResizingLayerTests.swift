import Foundation
import Testing
import ONNX
import Interpreter
@testable import KerasFrontend

/// What the fixtures (`conv_transpose`, `cropping`, `upsampling`, `resizing`, `channels_first`) cannot show:
/// transposed-convolution sizes over every option, unknown spatial sizes, and the options that are refused.
@Suite struct ResizingLayerTests {
    /// Keras's output length of a transposed convolution (`compute_conv_transpose_output_shape`), written
    /// out here independently of the mapping.
    static func kerasLength(_ input: Int, kernel: Int, stride: Int, dilation: Int, same: Bool, outputPadding: Int?) -> Int {
        let span = (kernel - 1) * dilation + 1
        if !same { return (input - 1) * stride + span + (outputPadding ?? max(span, stride) - span) }
        guard let outputPadding else { return input * stride }
        return (input - 1) * stride + span % 2 + outputPadding
    }

    @Test func transposedConvolutionSizesMatchKeras() {
        for kernel in 1...5 { for stride in 1...4 { for dilation in 1...3 where stride == 1 || dilation == 1 {
            for same in [false, true] { for outputPadding in [nil] + Array(0..<stride) {
                let axis = TransposedConvolutionLayers.Axis(kernel: kernel, stride: stride, dilation: dilation, same: same,
                                                            outputPadding: outputPadding)
                let what = "k \(kernel) s \(stride) d \(dilation) same \(same) op \(outputPadding.map(String.init) ?? "nil")"
                #expect(axis.begin >= 0 && axis.end >= 0 && axis.end - axis.begin <= 1, "\(what): \(axis)")
                // onnxruntime (like PyTorch) wants output_padding below the stride or the dilation.
                #expect(axis.extra >= 0 && axis.extra < max(stride, dilation), "\(what): \(axis)")
                for input in 1...6 {
                    let ours = axis.output(input: input, kernel: kernel, stride: stride, dilation: dilation)
                    let theirs = Self.kerasLength(input, kernel: kernel, stride: stride, dilation: dilation, same: same,
                                                  outputPadding: outputPadding)
                    #expect(ours == theirs, "\(what) input \(input)")
                }
            } }
        } } }
    }

    @Test func bicubicWeightsSumToOne() {
        for (input, output) in [(3, 9), (6, 9), (9, 5), (1, 4), (7, 7)] {
            let w = TensorFlowBicubic.weights(input: input, output: output)
            for o in 0..<output {
                let sum = w[(o * input)..<((o + 1) * input)].reduce(0, +)
                #expect(abs(sum - 1) < 1e-6, "\(input) → \(output), row \(o): \(sum)")
            }
        }
        // Equal sizes sample the input pixels themselves.
        let same = TensorFlowBicubic.weights(input: 4, output: 4)
        #expect(same == (0..<16).map { $0 % 5 == 0 ? 1 : 0 })
    }

    /// A Keras 3 model: input `x` of `shape`, then the layers in a chain (class name, config JSON).
    static func chain(shape: String, _ layers: [(String, String)]) throws -> KerasModel {
        var previous = "x"
        var entries = [#"{"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": \#(shape)}, "inbound_nodes": []}"#]
        for (i, (className, config)) in layers.enumerated() {
            let tensor = #"{"class_name": "__keras_tensor__", "config": {"shape": \#(shape), "dtype": "float32", "keras_history": ["\#(previous)", 0, 0]}}"#
            entries.append(#"{"class_name": "\#(className)", "name": "l\#(i)", "config": {"name": "l\#(i)"\#(config.isEmpty ? "" : ", " + config)}, "inbound_nodes": [{"args": [\#(tensor)], "kwargs": {}}]}"#)
            previous = "l\(i)"
        }
        return try KerasConfigTests.parse("""
            {"module": "keras", "class_name": "Functional", "config": {"name": "m", "layers": [\(entries.joined(separator: ", "))],
             "input_layers": [["x", 0, 0]], "output_layers": [["\(previous)", 0, 0]]}}
            """)
    }

    /// A Conv2DTranspose kernel [2, 2, 1, 2] and bias [1].
    struct TransposeWeights: KerasWeightSource {
        func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight] {
            guard layer.className == "Conv2DTranspose" else { return [] }
            return [KerasWeight(name: "kernel", shape: [2, 2, 1, 2], values: [0.5, -0.25, 1, 0.75, -1, 0.5, 0.25, 1]),
                    KerasWeight(name: "bias", shape: [1], values: [0.1])]
        }
    }

    @Test func unknownSpatialSizesConvert() throws {
        let model = try Self.chain(shape: "[null, null, null, 2]", [
            ("UpSampling2D", #""size": [2, 2], "interpolation": "bilinear""#),
            ("Cropping2D", #""cropping": [[1, 0], [0, 2]]"#),
            ("Conv2DTranspose", #""filters": 1, "kernel_size": [2, 2], "strides": [2, 2], "padding": "same""#),
            ("Resizing", #""height": 4, "width": 3, "interpolation": "nearest""#),
        ])
        let (onnx, _) = try KerasImporter.convert(model, weights: TransposeWeights())
        let x = TensorValue(shape: [1, 3, 4, 2], values: (0..<24).map { Float($0) / 10 })
        let result = try Interpreter(model: onnx).run(["x": .tensor(x)])
        #expect(result.outputs.first?.value.tensor?.shape == [1, 4, 3, 1])
    }

    static func failure(_ layers: [(String, String)], shape: String = "[null, null, 6, 2]") throws -> String {
        let model = try chain(shape: shape, layers)
        let error = #expect(throws: KerasError.self) { try KerasImporter.convert(model, weights: TransposeWeights()) }
        return error.map { "\($0)" } ?? ""
    }

    @Test func unmatchableOptionsAreRefused() throws {
        #expect(try Self.failure([("UpSampling2D", #""size": 2, "interpolation": "lanczos3""#)]).contains("lanczos3"))
        #expect(try Self.failure([("Resizing", #""height": 3, "width": 3, "antialias": true"#)]).contains("antialias"))
        #expect(try Self.failure([("Resizing", #""height": 3, "width": 3, "interpolation": "bicubic""#)]).contains("bicubic"))
        #expect(try Self.failure([("Resizing", #""height": 3, "width": 3, "crop_to_aspect_ratio": true"#)])
            .contains("crop_to_aspect_ratio needs a known input height and width, got ?×6"))
        #expect(try Self.failure([("CenterCrop", #""height": 3, "width": 3"#)]).contains("CenterCrop needs a known"))
        #expect(try Self.failure([("Cropping2D", #""cropping": [[0, 0], [3, 3]]"#)]).contains("leaves nothing of 6"))
        #expect(try Self.failure([("Conv2DTranspose", #""filters": 1, "kernel_size": 2, "padding": "causal""#)]).contains("causal"))
    }
}
