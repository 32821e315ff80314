import ONNX

/// ReverseSequence (10, 28): for each batch entry b, reverses the first sequence_lens[b] steps along
/// `time_axis` (the rest stays). `batch_axis` and `time_axis` are 0 and 1 in either order. 28 only
/// widens the types.
enum ReverseSequenceKernels {
    static let registrations = KernelRegistration.versions("ReverseSequence", [10, 28]) { context in
        let batchAxis = try context.int("batch_axis", default: 1)
        let timeAxis = try context.int("time_axis", default: 0)
        guard Set([batchAxis, timeAxis]) == [0, 1] else {
            throw KernelError("batch_axis \(batchAxis) and time_axis \(timeAxis) must be 0 and 1")
        }
        return ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "input")
            let lengths = try ShapeInputs.ints(inputs, 1, "sequence_lens")
            guard x.rank >= 2 else { throw KernelError("input must have rank ≥ 2, got \(x.shape)") }
            let batch = x.shape[batchAxis], time = x.shape[timeAxis]
            guard lengths.count == batch, lengths.allSatisfy({ $0 >= 0 && $0 <= time }) else {
                throw KernelError("sequence_lens \(lengths) must give one length ≤ \(time) per batch entry")
            }
            let block = x.shape[2...].reduce(1, *)
            let strides = ShapeMath.strides(x.shape)
            var starts = [Int](repeating: 0, count: x.shape[0] * x.shape[1])
            for i in 0..<x.shape[0] {
                for j in 0..<x.shape[1] {
                    let (b, t) = batchAxis == 0 ? (i, j) : (j, i)
                    let source = t < lengths[b] ? lengths[b] - 1 - t : t
                    let (si, sj) = batchAxis == 0 ? (b, source) : (source, b)
                    starts[i * x.shape[1] + j] = si * strides[0] + sj * strides[1]
                }
            }
            return [.tensor(try ShapeElements.transform(x, to: x.shape, BlockGather(starts: starts, block: block)))]
        }
    }
}
