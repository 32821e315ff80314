import ONNX

/// Split (1, 2, 11, 13, 18): cuts the input along `axis` into one part per output. The sizes come
/// from `split` — an attribute (or, in 1 only, an optional second input) before 13, the optional second
/// input from 13 — or else equal parts; 18 adds `num_outputs`, whose last part may be smaller
/// (ceil(dim / n) each). 11 allows a negative axis.
enum SplitKernels {
    static let registrations =
        KernelRegistration.versions("Split", [1, 2, 11]) { context in
            let axis = try context.int("axis", default: 0)
            let split = try context.ints("split")
            let outputs = context.node.outputs.count
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "input")
                let sizes = try split ?? ShapeInputs.optionalInts(inputs, 1, "split")
                return try parts(x, axis: axis, sizes: sizes, outputs: outputs, numOutputs: nil).map { .tensor($0) }
            }
        }
        + KernelRegistration.versions("Split", [13, 18]) { context in
            let axis = try context.int("axis", default: 0)
            let numOutputs = context.opset >= 18 ? try context.int("num_outputs") : nil
            let outputs = context.node.outputs.count
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "input")
                // An empty `split` input counts as absent, as onnxruntime reads it.
                let sizes = try ShapeInputs.optionalInts(inputs, 1, "split").flatMap { $0.isEmpty ? nil : $0 }
                return try parts(x, axis: axis, sizes: sizes, outputs: outputs, numOutputs: numOutputs).map { .tensor($0) }
            }
        }

    static func parts(_ x: TensorValue, axis: Int, sizes: [Int]?, outputs: Int, numOutputs: Int?) throws -> [TensorValue] {
        let a = try ShapeMath.axis(axis, rank: x.rank)
        let dim = x.shape[a]
        var lengths: [Int]
        if let sizes {
            guard sizes.count == outputs, sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == dim else {
                throw KernelError("split \(sizes) does not cut dimension \(dim) into \(outputs) parts")
            }
            lengths = sizes
        } else if let n = numOutputs {
            guard n == outputs, n > 0 else { throw KernelError("num_outputs \(n) but the node has \(outputs) outputs") }
            let chunk = (dim + n - 1) / n
            lengths = (0..<n).map { max(0, min(chunk, dim - $0 * chunk)) }
        } else {
            guard outputs > 0, dim % outputs == 0 else {
                throw KernelError("dimension \(dim) does not split into \(outputs) equal parts")
            }
            lengths = Array(repeating: dim / outputs, count: outputs)
        }
        let inner = x.shape[(a + 1)...].reduce(1, *)
        let outer = x.shape[..<a].reduce(1, *)
        var start = 0
        return try lengths.map { length in
            var shape = x.shape
            shape[a] = length
            let gather = AxisTableGather(
                shape: [outer, length, inner],
                tables: [AxisTableGather.strided(outer, step: dim * inner),
                         AxisTableGather.strided(length, start: start * inner, step: inner),
                         AxisTableGather.strided(inner, step: 1)])
            start += length
            return try ShapeElements.transform(x, to: shape, gather)
        }
    }
}
