import ONNX

/// Gather (1, 11, 13): slices of `data` along `axis` picked by `indices` (any shape); output shape is
/// data[:axis] + indices + data[axis+1:]. 11 allows negative axis and indices; 13 only widens types.
/// GatherElements (11, 13): out[i] = data[i with the `axis` coordinate replaced by indices[i]].
/// GatherND (11, 12, 13): index tuples along the last axis of `indices` pick slices of `data`; 12
/// adds `batch_dims` (leading dimensions shared by data and indices).
enum GatherKernels {
    static let registrations =
        KernelRegistration.versions("Gather", [1, 11, 13]) { context in
            let axis = try context.int("axis", default: 0)
            return ClosureKernel { inputs, _ in
                let data = try ShapeInputs.tensor(inputs, 0, "data")
                let indices = try ShapeInputs.tensor(inputs, 1, "indices")
                return [.tensor(try gather(data, indices: indices, axis: axis))]
            }
        }
        + KernelRegistration.versions("GatherElements", [11, 13]) { context in
            let axis = try context.int("axis", default: 0)
            return ClosureKernel { inputs, _ in
                let data = try ShapeInputs.tensor(inputs, 0, "data")
                let indices = try ShapeInputs.tensor(inputs, 1, "indices")
                return [.tensor(try gatherElements(data, indices: indices, axis: axis))]
            }
        }
        + KernelRegistration.versions("GatherND", [11, 12, 13]) { context in
            let batchDims = context.opset >= 12 ? try context.int("batch_dims", default: 0) : 0
            return ClosureKernel { inputs, _ in
                let data = try ShapeInputs.tensor(inputs, 0, "data")
                let indices = try ShapeInputs.tensor(inputs, 1, "indices")
                return [.tensor(try gatherND(data, indices: indices, batchDims: batchDims))]
            }
        }

    /// `index` in [-dim, dim) made non-negative.
    static func wrap(_ index: Int, _ dim: Int) throws -> Int {
        guard index >= -dim && index < dim else { throw KernelError("index \(index) is out of range for dimension \(dim)") }
        return index < 0 ? index + dim : index
    }

    static func gather(_ data: TensorValue, indices: TensorValue, axis: Int) throws -> TensorValue {
        let a = try ShapeMath.axis(axis, rank: data.rank)
        let strides = ShapeMath.strides(data.shape)
        let picks = try ShapeInputs.ints(indices, "indices").map { try wrap($0, data.shape[a]) * strides[a] }
        let shape = Array(data.shape[..<a]) + indices.shape + Array(data.shape[(a + 1)...])
        // One table per data axis (the gather merges the arithmetic ones), rather than tables as long as
        // the flattened outer and inner parts: a ViT's Gather of one row from [3, 197, 1, 768] built a
        // 151,296-entry table per call.
        var tables = (0..<a).map { AxisTableGather.strided(data.shape[$0], step: strides[$0]) }
        tables.append(picks)
        tables += ((a + 1)..<data.rank).map { AxisTableGather.strided(data.shape[$0], step: strides[$0]) }
        let gather = AxisTableGather(
            shape: Array(data.shape[..<a]) + [picks.count] + Array(data.shape[(a + 1)...]), tables: tables)
        return try ShapeElements.transform(data, to: shape, gather)
    }

    static func gatherElements(_ data: TensorValue, indices: TensorValue, axis: Int) throws -> TensorValue {
        let a = try ShapeMath.axis(axis, rank: data.rank)
        guard indices.rank == data.rank else {
            throw KernelError("indices rank \(indices.rank) differs from data rank \(data.rank)")
        }
        let idx = try ShapeInputs.ints(indices, "indices")
        let dataStrides = ShapeMath.strides(data.shape)
        var starts = [Int](repeating: 0, count: idx.count)
        var coordinate = [Int](repeating: 0, count: indices.rank)
        for i in 0..<idx.count {
            var offset = 0
            for d in 0..<indices.rank {
                let c = d == a ? try wrap(idx[i], data.shape[a]) : coordinate[d]
                guard c < data.shape[d] else { throw KernelError("indices shape \(indices.shape) exceeds data shape \(data.shape)") }
                offset += c * dataStrides[d]
            }
            starts[i] = offset
            var d = indices.rank - 1
            while d >= 0 {
                coordinate[d] += 1
                if coordinate[d] < indices.shape[d] { break }
                coordinate[d] = 0
                d -= 1
            }
        }
        return try ShapeElements.transform(data, to: indices.shape, BlockGather(starts: starts, block: 1))
    }

    static func gatherND(_ data: TensorValue, indices: TensorValue, batchDims: Int) throws -> TensorValue {
        guard let m = indices.shape.last, indices.rank >= 1, batchDims >= 0, batchDims < min(data.rank, indices.rank),
              batchDims + m <= data.rank else {
            throw KernelError("indices shape \(indices.shape) and batch_dims \(batchDims) do not fit data shape \(data.shape)")
        }
        guard Array(data.shape[..<batchDims]) == Array(indices.shape[..<batchDims]) else {
            throw KernelError("batch dimensions of data \(data.shape) and indices \(indices.shape) differ")
        }
        let idx = try ShapeInputs.ints(indices, "indices")
        let strides = ShapeMath.strides(data.shape)
        let block = data.shape[(batchDims + m)...].reduce(1, *)
        let batchSize = data.shape[batchDims...].reduce(1, *)
        let tuples = indices.shape.dropLast().reduce(1, *)
        let perBatch = indices.shape[batchDims..<(indices.rank - 1)].reduce(1, *)
        var starts = [Int](repeating: 0, count: tuples)
        for t in 0..<tuples {
            var offset = (perBatch == 0 ? 0 : t / perBatch) * batchSize
            for k in 0..<m {
                offset += try wrap(idx[t * m + k], data.shape[batchDims + k]) * strides[batchDims + k]
            }
            starts[t] = offset
        }
        let shape = Array(indices.shape.dropLast()) + Array(data.shape[(batchDims + m)...])
        return try ShapeElements.transform(data, to: shape, BlockGather(starts: starts, block: block))
    }
}
