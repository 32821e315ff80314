import Foundation
import HDF5
import ONNX

/// Conv1D/2D/3D (groups, dilation, 'same'/'valid'/'causal' padding), DepthwiseConv1D/2D and
/// SeparableConv1D/2D. Keras tensors are channels-last; ONNX Conv is channels-first, so the input and output
/// are transposed around the Conv (the rewrite step cancels back-to-back pairs) unless the layer itself says
/// channels_first.
enum ConvolutionLayers {
    static let mappings: [String: LayerMapping] = [
        "Conv1D": { c in try convolution(c, spatial: 1, depthwise: false) },
        "Conv2D": { c in try convolution(c, spatial: 2, depthwise: false) },
        "Conv3D": { c in try convolution(c, spatial: 3, depthwise: false) },
        "DepthwiseConv1D": { c in try convolution(c, spatial: 1, depthwise: true) },
        "DepthwiseConv2D": { c in try convolution(c, spatial: 2, depthwise: true) },
        "SeparableConv1D": { c in try separable(c, spatial: 1) },
        "SeparableConv2D": { c in try separable(c, spatial: 2) },
    ]

    /// The input of a layer over spatial axes in either data format, and the way back: ONNX's Conv, pooling
    /// and Resize read [N, C, D1…], Keras holds [N, D1…, C] unless the layer says channels_first.
    struct SpatialInput {
        let x: KerasTensor
        let channelsFirst: Bool

        init(_ c: LayerContext, spatial: Int) throws {
            x = try c.input()
            guard x.rank == spatial + 2 else { throw c.fail("input rank \(x.rank) is not \(spatial + 2)") }
            channelsFirst = try c.string("data_format", default: "channels_last") == "channels_first"
        }

        var channels: Int? { channelsFirst ? x.shape[1] : x.shape[x.rank - 1] }
        var spatial: [Int?] { channelsFirst ? Array(x.shape[2...]) : Array(x.shape[1..<(x.rank - 1)]) }

        /// The channel count, which weight shapes depend on.
        func knownChannels(_ c: LayerContext) throws -> Int {
            guard let channels else { throw c.fail("the channel axis must have a known size") }
            return channels
        }

        /// The value channels-first.
        func onnx(_ b: GraphBuilder) -> String { channelsFirst ? x.name : Layout.channelsFirst(x.name, rank: x.rank, b) }

        /// A channels-first result [N, channels, spatial…] in the layer's data format.
        func output(_ y: String, channels: Int?, spatial: [Int?], _ b: GraphBuilder) -> KerasTensor {
            if channelsFirst { return KerasTensor(name: y, shape: [x.shape[0], channels] + spatial) }
            return KerasTensor(name: Layout.channelsLast(y, rank: x.rank, b), shape: [x.shape[0]] + spatial + [channels])
        }
    }

    /// Sizes of one convolution or pooling window along the spatial axes.
    struct Window {
        var kernel: [Int], strides: [Int], dilations: [Int]
        var padding: String

        /// Begin and end pads per axis ('same': TensorFlow's, the odd one at the end; 'causal': all in front).
        func pads(input: [Int?]) -> (begin: [Int], end: [Int])? {
            var begin: [Int] = [], end: [Int] = []
            for i in kernel.indices {
                let span = (kernel[i] - 1) * dilations[i] + 1
                switch padding {
                case "valid":
                    begin.append(0); end.append(0)
                case "causal":
                    begin.append(span - 1); end.append(0)
                default:
                    guard let size = input[i] else { return nil }
                    let out = (size + strides[i] - 1) / strides[i]
                    let total = max((out - 1) * strides[i] + span - size, 0)
                    begin.append(total / 2); end.append(total - total / 2)
                }
            }
            return (begin, end)
        }

        func output(input: [Int?]) -> [Int?] {
            input.indices.map { i in
                guard let size = input[i] else { return nil }
                let span = (kernel[i] - 1) * dilations[i] + 1
                switch padding {
                case "same": return (size + strides[i] - 1) / strides[i]
                case "causal": return (size - 1) / strides[i] + 1
                default: return (size - span) / strides[i] + 1
                }
            }
        }

        /// Conv/pool attributes: explicit pads when the sizes are known, else SAME_UPPER.
        func attributes(input: [Int?]) -> [Attribute] {
            var attributes: [Attribute] = [.ints("kernel_shape", kernel), .ints("strides", strides)]
            if let pads = pads(input: input) {
                attributes.append(.ints("pads", pads.begin + pads.end))
            } else {
                attributes.append(.string("auto_pad", "SAME_UPPER"))
            }
            return attributes
        }
    }

    static func window(_ c: LayerContext, spatial: Int, kernelKey: String, stridesDefault: [Int]? = nil) throws -> Window {
        let kernel = try c.sizes(kernelKey, count: spatial)
        let strides = c.config["strides"].map { $0.isNull } ?? true
            ? (stridesDefault ?? [Int](repeating: 1, count: spatial)) : try c.sizes("strides", count: spatial)
        let dilations = try c.sizes("dilation_rate", count: spatial, default: 1)
        let padding = try c.string("padding", default: "valid").lowercased()
        guard ["valid", "same", "causal"].contains(padding) else { throw c.fail("padding '\(padding)' is not valid, same or causal") }
        return Window(kernel: kernel, strides: strides, dilations: dilations, padding: padding)
    }

    private static func convolution(_ c: LayerContext, spatial: Int, depthwise: Bool) throws -> [KerasTensor] {
        let input = try SpatialInput(c, spatial: spatial)
        let channels = try input.knownChannels(c)
        let w = try window(c, spatial: spatial, kernelKey: "kernel_size")
        let b = c.builder
        let (weights, outputs, group) = depthwise
            ? try depthwiseKernel(c, channels: channels, kernel: w.kernel)
            : try groupedKernel(c, channels: channels, kernel: w.kernel)
        var attributes = w.attributes(input: input.spatial) + [.ints("dilations", w.dilations)]
        if group > 1 { attributes.append(.int("group", group)) }
        var y = b.op("Conv", [input.onnx(b), weights] + (try bias(c, index: 1, size: outputs)), attributes)
        y = try ActivationLayers.apply(try c.string("activation", default: "linear"), to: y, c)
        return [input.output(y, channels: outputs, spatial: w.output(input: input.spatial), b)]
    }

    /// SeparableConv1D/2D as TensorFlow computes it: a depthwise Conv (depth_multiplier outputs per channel)
    /// with the layer's window, strides, dilation and padding, then a 1×1 Conv to `filters` with the bias.
    private static func separable(_ c: LayerContext, spatial: Int) throws -> [KerasTensor] {
        let input = try SpatialInput(c, spatial: spatial)
        let channels = try input.knownChannels(c)
        let w = try window(c, spatial: spatial, kernelKey: "kernel_size")
        let b = c.builder
        let (depthwise, middle, _) = try depthwiseKernel(c, channels: channels, kernel: w.kernel)
        let attributes = w.attributes(input: input.spatial) + [.ints("dilations", w.dilations), .int("group", channels)]
        let spread = b.op("Conv", [input.onnx(b), depthwise], attributes)
        let filters = try c.size("filters")
        let ones = [Int](repeating: 1, count: spatial)
        let pointwise = try c.weight(1, "pointwise_kernel", shape: ones + [middle, filters])
        let kernel = b.floats("pointwise_kernel", bytes: outputsFirst(pointwise, taps: 1, inputs: middle, outputs: filters),
                              dims: [filters, middle] + ones)
        var y = b.op("Conv", [spread, kernel] + (try bias(c, index: 2, size: filters)), [.ints("kernel_shape", ones)])
        y = try ActivationLayers.apply(try c.string("activation", default: "linear"), to: y, c)
        return [input.output(y, channels: filters, spatial: w.output(input: input.spatial), b)]
    }

    /// The bias input ([] without use_bias), weight `index` of the layer.
    static func bias(_ c: LayerContext, index: Int, size: Int) throws -> [String] {
        guard try c.bool("use_bias", default: true) else { return [] }
        let bias = try c.weight(index, "bias", shape: [size])
        return [c.builder.weight("bias", bias)]
    }

    /// Keras's [k…, inputs, outputs] kernel reordered to ONNX's [outputs, inputs, k…]. One side of a transpose must stride, so the
    /// copy goes in 32×32 blocks of (input, output) whose cache lines stay loaded while they are used:
    /// column by column, a ResNet-50 took a third of its conversion time here.
    static func outputsFirst(_ w: KerasWeight, taps: Int, inputs: Int, outputs: Int) -> Data {
        let count = taps * inputs * outputs
        guard count > 0, let memory = WeightMemory.allocate(bytes: count * MemoryLayout<Float>.stride) else { return Data() }
        let to = memory.bindMemory(to: Float.self, capacity: count)
        w.withValues { source in
            // The weight's shape was checked against the layer, so a short source cannot happen; zeros
            // rather than stale memory if it ever did.
            guard let from = source.baseAddress, source.count >= count else {
                memory.initializeMemory(as: UInt8.self, repeating: 0, count: count * MemoryLayout<Float>.stride)
                return
            }
            let copy = BlockedCopy(from: from, to: to, taps: taps, inputs: inputs, outputs: outputs)
            // Blocks of output channels write disjoint rows: big kernels share them out over the cores.
            if count >= 1 << 20 {
                DispatchQueue.concurrentPerform(iterations: copy.outputBlocks) { copy.run(outputBlock: $0) }
            } else {
                for block in 0..<copy.outputBlocks { copy.run(outputBlock: block) }
            }
        }
        return Data(bytesNoCopy: memory, count: count * MemoryLayout<Float>.stride, deallocator: .free)
    }

    /// One block of output channels of `outputsFirst`. Each block writes only its own rows of `to`, so
    /// blocks may run at once.
    private struct BlockedCopy: @unchecked Sendable {
        let from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>
        let taps: Int, inputs: Int, outputs: Int
        static let block = 32
        var outputBlocks: Int { (outputs + Self.block - 1) / Self.block }

        func run(outputBlock: Int) {
            let o0 = outputBlock * Self.block
            for i0 in stride(from: 0, to: inputs, by: Self.block) {
                for o in o0..<min(o0 + Self.block, outputs) {
                    for i in i0..<min(i0 + Self.block, inputs) {
                        let target = to + (o * inputs + i) * taps
                        var at = i * outputs + o
                        for t in 0..<taps {
                            target[t] = from[at]
                            at += inputs * outputs
                        }
                    }
                }
            }
        }
    }

    /// The ONNX weight [channels·multiplier, 1, k…] of weight 0, Keras's `depthwise_kernel` [k…, channels,
    /// multiplier], where output channel c·multiplier + m reads input channel c; with its output count and group.
    private static func depthwiseKernel(_ c: LayerContext, channels: Int, kernel: [Int]) throws -> (String, Int, Int) {
        let multiplier = try c.size("depth_multiplier", default: 1)
        let w = try c.weight(0, "depthwise_kernel", shape: kernel + [channels, multiplier])
        let values = outputsFirst(w, taps: try c.product(kernel, "kernel size"), inputs: 1, outputs: channels * multiplier)
        let name = c.builder.floats("depthwise_kernel", bytes: values, dims: [channels * multiplier, 1] + kernel)
        return (name, channels * multiplier, channels)
    }

    /// The ONNX weight [filters, channels/groups, k…] of Keras's `kernel` [k…, channels/groups, filters].
    private static func groupedKernel(_ c: LayerContext, channels: Int, kernel: [Int]) throws -> (String, Int, Int) {
        let filters = try c.size("filters"), groups = try c.size("groups", default: 1)
        guard groups >= 1, channels % groups == 0, filters % groups == 0 else { throw c.fail("groups \(groups) do not divide \(channels) channels and \(filters) filters") }
        let perGroup = channels / groups
        let w = try c.weight(0, "kernel", shape: kernel + [perGroup, filters])
        let values = outputsFirst(w, taps: try c.product(kernel, "kernel size"), inputs: perGroup, outputs: filters)
        return (c.builder.floats("kernel", bytes: values, dims: [filters, perGroup] + kernel), filters, groups)
    }
}
