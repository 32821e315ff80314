import Foundation
import ONNX

/// Conv1D/2D/3D (groups, dilation, 'same'/'valid'/'causal' padding) and DepthwiseConv1D/2D. Keras tensors
/// are channels-last; ONNX Conv is channels-first, so the input and output are transposed around the Conv
/// (the rewrite step cancels back-to-back pairs) unless the layer itself says channels_first.
enum ConvolutionLayers {
    static let mappings: [String: LayerMapping] = [
        "Conv1D": { c in try convolution(c, spatial: 1, depthwise: false) },
        "Conv2D": { c in try convolution(c, spatial: 2, depthwise: false) },
        "Conv3D": { c in try convolution(c, spatial: 3, depthwise: false) },
        "DepthwiseConv1D": { c in try convolution(c, spatial: 1, depthwise: true) },
        "DepthwiseConv2D": { c in try convolution(c, spatial: 2, depthwise: true) },
    ]

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
        let kernel = try c.ints(kernelKey, count: spatial)
        let strides = c.config["strides"].map { $0.isNull } ?? true
            ? (stridesDefault ?? [Int](repeating: 1, count: spatial)) : try c.ints("strides", count: spatial)
        let dilations = try c.ints("dilation_rate", count: spatial, default: 1)
        let padding = try c.string("padding", default: "valid").lowercased()
        guard ["valid", "same", "causal"].contains(padding) else { throw c.fail("padding '\(padding)' is not valid, same or causal") }
        return Window(kernel: kernel, strides: strides, dilations: dilations, padding: padding)
    }

    private static func convolution(_ c: LayerContext, spatial: Int, depthwise: Bool) throws -> [KerasTensor] {
        let x = try c.input()
        guard x.rank == spatial + 2 else { throw c.fail("input rank \(x.rank) is not \(spatial + 2)") }
        let channelsFirst = try c.string("data_format", default: "channels_last") == "channels_first"
        guard let channels = channelsFirst ? x.shape[1] : x.shape[x.rank - 1] else { throw c.fail("the channel axis must have a known size") }
        let w = try window(c, spatial: spatial, kernelKey: "kernel_size")
        let b = c.builder
        let (weights, outputs, group) = try onnxKernel(c, channels: channels, kernel: w.kernel, depthwise: depthwise)
        var inputs = [channelsFirst ? x.name : Layout.channelsFirst(x.name, rank: x.rank, b), weights]
        if try c.bool("use_bias", default: true) {
            let bias = try c.weight(1, "bias", shape: [outputs])
            inputs.append(b.weight("bias", bias))
        }
        let spatialIn = channelsFirst ? Array(x.shape[2...]) : Array(x.shape[1..<(x.rank - 1)])
        var attributes = w.attributes(input: spatialIn) + [.ints("dilations", w.dilations)]
        if group > 1 { attributes.append(.int("group", group)) }
        var y = b.op("Conv", inputs, attributes)
        y = try ActivationLayers.apply(try c.string("activation", default: "linear"), to: y, c)
        let spatialOut = w.output(input: spatialIn)
        if channelsFirst { return [KerasTensor(name: y, shape: [x.shape[0], outputs] + spatialOut)] }
        return [KerasTensor(name: Layout.channelsLast(y, rank: x.rank, b), shape: [x.shape[0]] + spatialOut + [outputs])]
    }

    /// The ONNX weight [out, in/group, k…] from Keras's [k…, in/group, out] (or, depthwise, [k…, in,
    /// multiplier], where output channel c·multiplier + m reads input channel c).
    private static func onnxKernel(_ c: LayerContext, channels: Int, kernel: [Int], depthwise: Bool) throws -> (String, Int, Int) {
        let taps = kernel.reduce(1, *)
        if depthwise {
            let multiplier = try c.int("depth_multiplier", default: 1)
            let w = try c.weight(0, "depthwise_kernel", shape: kernel + [channels, multiplier])
            // [taps, channels·multiplier] → [channels·multiplier, taps]: a plain transpose.
            let data = transposed(w, rows: taps, columns: channels * multiplier)
            let name = c.builder.floats("kernel", bytes: data, dims: [channels * multiplier, 1] + kernel)
            return (name, channels * multiplier, channels)
        }
        let filters = try c.int("filters"), groups = try c.int("groups", default: 1)
        guard groups >= 1, channels % groups == 0, filters % groups == 0 else { throw c.fail("groups \(groups) do not divide \(channels) channels and \(filters) filters") }
        let perGroup = channels / groups
        let w = try c.weight(0, "kernel", shape: kernel + [perGroup, filters])
        let data = reversedAxes(w, taps: taps, inputs: perGroup, outputs: filters)
        return (c.builder.floats("kernel", bytes: data, dims: [filters, perGroup] + kernel), filters, groups)
    }

    /// A [rows, columns] weight as [columns, rows] float32 bytes.
    static func transposed(_ w: KerasWeight, rows: Int, columns: Int) -> Data {
        reversedAxes(w, taps: 1, inputs: rows, outputs: columns)
    }

    /// [taps, inputs, outputs] → [outputs, inputs, taps]. One side of a transpose must stride, so the
    /// copy goes in 32×32 blocks of (input, output) whose cache lines stay loaded while they are used:
    /// column by column, a ResNet-50 took a third of its conversion time here.
    static func reversedAxes(_ w: KerasWeight, taps: Int, inputs: Int, outputs: Int) -> Data {
        let count = taps * inputs * outputs
        guard count > 0, let memory = malloc(count * MemoryLayout<Float>.stride) else { return Data() }
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

    /// One block of output channels of `reversedAxes`. Each block writes only its own rows of `to`, so
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
}
