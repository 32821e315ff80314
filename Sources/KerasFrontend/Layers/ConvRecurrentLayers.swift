import Foundation
import ONNX

/// ConvLSTM1D/2D/3D: an LSTM whose gates are convolutions. ONNX has no such op, and a Loop would hide it
/// from every runtime's optimiser, so the steps are unrolled; that needs the number of time steps in the
/// input shape.
///
/// Per step, with Keras's gate order i, f, c, o in the 4·filters output channels:
/// z = conv(x_t, kernel) + bias + conv(h, recurrent_kernel, 'same'), i = σ(z_i), f = σ(z_f),
/// c = f·c + i·act(z_c), o = σ(z_o), h = o·act(c). The input convolution runs once over all steps (time
/// folded into the batch); h and c start at zero, so the first step has no recurrent term.
enum ConvRecurrentLayers {
    static let mappings: [String: LayerMapping] = [
        "ConvLSTM1D": { c in try convLSTM(c, spatial: 1) },
        "ConvLSTM2D": { c in try convLSTM(c, spatial: 2) },
        "ConvLSTM3D": { c in try convLSTM(c, spatial: 3) },
    ]

    /// The most time steps unrolled.
    static let maxSteps = 10_000

    private static func convLSTM(_ c: LayerContext, spatial: Int) throws -> [KerasTensor] {
        let x = try c.input()
        guard x.rank == spatial + 3 else { throw c.fail("input rank \(x.rank) is not \(spatial + 3)") }
        guard try c.string("data_format", default: "channels_last") == "channels_last" else {
            throw c.fail("only channels_last is supported")
        }
        guard let steps = x.shape[1], steps > 0 else { throw c.fail("the number of time steps must be known to unroll the layer") }
        // Each step is about twenty nodes: a declared length in the millions would build a graph no runtime
        // could load, slowly, rather than fail.
        guard steps <= maxSteps else { throw c.fail("unrolling \(steps) time steps is more than the \(maxSteps) supported") }
        guard let channels = x.shape[x.rank - 1] else { throw c.fail("the channel axis must have a known size") }
        let filters = try c.size("filters")
        let w = try ConvolutionLayers.window(c, spatial: spatial, kernelKey: "kernel_size")
        let inputSpatial = Array(x.shape[2..<(x.rank - 1)])
        let outputSpatial = w.output(input: inputSpatial)
        guard inputSpatial.allSatisfy({ $0 != nil }), outputSpatial.allSatisfy({ $0 != nil }) else {
            throw c.fail("the spatial sizes must be known")
        }
        let b = c.builder
        let taps = try c.product(w.kernel, "kernel size")
        let kernel = try c.weight(0, "kernel", shape: w.kernel + [channels, 4 * filters])
        let recurrent = try c.weight(1, "recurrent_kernel", shape: w.kernel + [filters, 4 * filters])
        let kernelName = b.floats("kernel", bytes: ConvolutionLayers.outputsFirst(kernel, taps: taps, inputs: channels, outputs: 4 * filters),
                                  dims: [4 * filters, channels] + w.kernel)
        let recurrentName = b.floats("recurrent_kernel", bytes: ConvolutionLayers.outputsFirst(recurrent, taps: taps, inputs: filters, outputs: 4 * filters),
                                     dims: [4 * filters, filters] + w.kernel)
        let bias = try ConvolutionLayers.bias(c, index: 2, size: 4 * filters)

        // All steps' input convolutions at once: [N, T, D…, C] → [N·T, C, D…] → Conv → [N, T, 4F, D'…].
        let rest = (inputSpatial.compactMap { $0 } + [channels]).map(Int64.init)
        let folded = b.op("Reshape", [x.name, b.int64s("fold_time", [-1] + rest)])
        let convolved = b.op("Conv", [Layout.channelsFirst(folded, rank: spatial + 2, b), kernelName] + bias,
                             w.attributes(input: inputSpatial) + [.ints("dilations", w.dilations)])
        let gateDims = [Int64(4 * filters)] + outputSpatial.compactMap { $0 }.map(Int64.init)
        let byStep = b.op("Reshape", [convolved, b.int64s("unfold_time", [-1, Int64(steps)] + gateDims)])

        // Keras convolves h with stride 1, 'same' padding and no dilation, whatever the input conv uses.
        let ones = [Int](repeating: 1, count: spatial)
        let recurrentWindow = ConvolutionLayers.Window(kernel: w.kernel, strides: ones, dilations: ones, padding: "same")
        let cell = Cell(c: c, recurrentKernel: recurrentName, recurrentAttributes: recurrentWindow.attributes(input: outputSpatial),
                        activation: try c.string("activation", default: "tanh"),
                        recurrentActivation: try c.string("recurrent_activation", default: "sigmoid"), filters: filters)
        let order = try c.bool("go_backwards", default: false) ? Array((0..<steps).reversed()) : Array(0..<steps)
        var state: (h: String, c: String)?
        var hs: [String] = []
        let timeAxis = b.int64s("time_axis", [1])
        for t in order {
            let gates = b.op("Squeeze", [b.op("Gather", [byStep, b.int64s("step", [Int64(t)])], [.int("axis", 1)]), timeAxis])
            state = try cell.step(gates, state: state)
            if let h = state?.h { hs.append(h) }
        }
        guard let final = state else { throw c.fail("no time steps") }
        return try outputs(c, x: x, hs: hs, final: final, filters: filters, spatial: outputSpatial)
    }

    /// Output (every step's h, or the last) and, with return_state, h and c: channels-last as Keras has them.
    private static func outputs(_ c: LayerContext, x: KerasTensor, hs: [String], final: (h: String, c: String),
                                filters: Int, spatial: [Int?]) throws -> [KerasTensor] {
        let b = c.builder
        let rank = spatial.count + 2
        let stateShape = [x.shape[0]] + spatial + [filters]
        var result: [KerasTensor]
        if try c.bool("return_sequences", default: false) {
            let timeAxis = b.int64s("time_axis", [1])
            let stacked = b.op("Concat", hs.map { b.op("Unsqueeze", [$0, timeAxis]) }, [.int("axis", 1)])
            // [N, T, F, D…] → [N, T, D…, F]
            let perm = [0, 1] + Array(3..<(rank + 1)) + [2]
            result = [KerasTensor(name: b.op("Transpose", [stacked], [.ints("perm", perm)]), shape: [x.shape[0], x.shape[1]] + spatial + [filters])]
        } else {
            result = [KerasTensor(name: Layout.channelsLast(final.h, rank: rank, b), shape: stateShape)]
        }
        if try c.bool("return_state", default: false) {
            result.append(KerasTensor(name: Layout.channelsLast(final.h, rank: rank, b), shape: stateShape))
            result.append(KerasTensor(name: Layout.channelsLast(final.c, rank: rank, b), shape: stateShape))
        }
        return result
    }

    /// One step of the cell on channels-first values.
    private struct Cell {
        let c: LayerContext
        let recurrentKernel: String
        let recurrentAttributes: [Attribute]
        let activation: String, recurrentActivation: String
        let filters: Int

        func step(_ inputGates: String, state: (h: String, c: String)?) throws -> (h: String, c: String) {
            let b = c.builder
            var z = inputGates
            if let state { z = b.op("Add", [z, b.op("Conv", [state.h, recurrentKernel], recurrentAttributes)]) }
            let split = b.add("Split", [z, b.int64s("gate_sizes", [Int64](repeating: Int64(filters), count: 4))], outputs: 4,
                              [.int("axis", 1)])
            let i = try ActivationLayers.apply(recurrentActivation, to: split[0], c)
            let o = try ActivationLayers.apply(recurrentActivation, to: split[3], c)
            let candidate = b.op("Mul", [i, try ActivationLayers.apply(activation, to: split[2], c)])
            var cell = candidate
            if let state {
                let f = try ActivationLayers.apply(recurrentActivation, to: split[1], c)
                cell = b.op("Add", [b.op("Mul", [f, state.c]), candidate])
            }
            return (b.op("Mul", [o, try ActivationLayers.apply(activation, to: cell, c)]), cell)
        }
    }
}
