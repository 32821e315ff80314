import ONNX

/// Conv1DTranspose/2D/3D as ConvTranspose. TensorFlow computes a transposed convolution as the gradient of
/// the Conv that would map its output back to its input, for an output size Keras fixes by formula
/// (`compute_conv_transpose_output_shape`); ConvTranspose then gets that Conv's pads ('same': TensorFlow's,
/// the odd one at the end), and the rows the Conv's window never reached become output_padding.
enum TransposedConvolutionLayers {
    static let mappings: [String: LayerMapping] = [
        "Conv1DTranspose": { c in try transposed(c, spatial: 1) },
        "Conv2DTranspose": { c in try transposed(c, spatial: 2) },
        "Conv3DTranspose": { c in try transposed(c, spatial: 3) },
    ]

    /// One spatial axis: ConvTranspose's pads and output_padding.
    struct Axis: Equatable {
        var begin: Int, end: Int, extra: Int

        func output(input: Int?, kernel: Int, stride: Int, dilation: Int) -> Int? {
            input.map { ($0 - 1) * stride + (kernel - 1) * dilation + 1 - begin - end + extra }
        }
    }

    private static func transposed(_ c: LayerContext, spatial: Int) throws -> [KerasTensor] {
        let input = try ConvolutionLayers.SpatialInput(c, spatial: spatial)
        let channels = try input.knownChannels(c)
        let w = try ConvolutionLayers.window(c, spatial: spatial, kernelKey: "kernel_size")
        guard w.padding != "causal" else { throw c.fail("padding 'causal' is not valid for a transposed convolution") }
        let outputPadding: [Int]? = c.config["output_padding"].map { $0.isNull } ?? true
            ? nil : try c.nonNegatives("output_padding", count: spatial)
        let axes = w.kernel.indices.map { i in
            Axis(kernel: w.kernel[i], stride: w.strides[i], dilation: w.dilations[i], same: w.padding == "same",
                 outputPadding: outputPadding?[i])
        }
        let filters = try c.size("filters")
        let b = c.builder
        // Keras's kernel is [k…, filters, channels]; ConvTranspose reads [channels, filters, k…].
        let kernel = try c.weight(0, "kernel", shape: w.kernel + [filters, channels])
        let values = ConvolutionLayers.outputsFirst(kernel, taps: try c.product(w.kernel, "kernel size"), inputs: filters, outputs: channels)
        let weights = b.floats("kernel", bytes: values, dims: [channels, filters] + w.kernel)
        let attributes: [Attribute] = [
            .ints("kernel_shape", w.kernel), .ints("strides", w.strides), .ints("dilations", w.dilations),
            .ints("pads", axes.map(\.begin) + axes.map(\.end)), .ints("output_padding", axes.map(\.extra)),
        ]
        var y = b.op("ConvTranspose", [input.onnx(b), weights] + (try ConvolutionLayers.bias(c, index: 1, size: filters)), attributes)
        y = try ActivationLayers.apply(try c.string("activation", default: "linear"), to: y, c)
        for (size, stride) in zip(input.spatial, w.strides) { if let size { _ = try c.product([size, stride], "output size") } }
        let spatialOut = axes.indices.map { i in
            axes[i].output(input: input.spatial[i], kernel: w.kernel[i], stride: w.strides[i], dilation: w.dilations[i])
        }
        return [input.output(y, channels: filters, spatial: spatialOut, b)]
    }
}

extension TransposedConvolutionLayers.Axis {
    /// The axis of a Keras kernel, stride and dilation. `outputPadding` nil is Keras's default: 'valid'
    /// gives (in − 1)·stride + max(span, stride), 'same' in·stride; with it, 'valid' gives (in − 1)·stride +
    /// span + outputPadding and 'same' (in − 1)·stride + span % 2 + outputPadding. None of the pads depend
    /// on the input size, so unknown sizes convert too.
    init(kernel: Int, stride: Int, dilation: Int, same: Bool, outputPadding: Int?) {
        let span = (kernel - 1) * dilation + 1
        guard same else {
            self.init(begin: 0, end: 0, extra: outputPadding ?? max(stride - span, 0))
            return
        }
        // (in − 1)·stride + span − output: what TensorFlow's 'same' Conv of the output pads in total.
        let excess = outputPadding.map { span - span % 2 - $0 } ?? span - stride
        let total = max(excess, 0)
        self.init(begin: total / 2, end: total - total / 2, extra: total - excess)
    }
}
