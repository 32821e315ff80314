import ONNX

/// Compress (9, 11, 28): the slices along `axis` whose `condition` entry is true (entries past the end of
/// a shorter condition count as false); without `axis` the input is flattened first. 11 allows a
/// negative axis; 28 only widens the types.
enum CompressKernels {
    static let registrations = KernelRegistration.versions("Compress", [9, 11, 28]) { context in
        let axis = try context.int("axis")
        return ClosureKernel { inputs, _ in
            var x = try ShapeInputs.tensor(inputs, 0, "input")
            let conditionTensor = try ShapeInputs.tensor(inputs, 1, "condition")
            guard let condition = conditionTensor.int64s() else { throw KernelError("condition must be bool") }
            var a = 0
            if let axis { a = try ShapeMath.axis(axis, rank: x.rank) } else { x.shape = [x.count] }
            guard condition.count <= x.shape[a] else {
                throw KernelError("condition has \(condition.count) entries for an axis of \(x.shape[a])")
            }
            let picks = condition.indices.filter { condition[$0] != 0 }
            let indices = ShapeInputs.int64Tensor(picks)
            return [.tensor(try GatherKernels.gather(x, indices: indices, axis: a))]
        }
    }
}
