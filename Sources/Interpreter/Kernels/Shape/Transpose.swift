import ONNX

/// Transpose (1, 13, 21, 23, 24, 25): output axis i is input axis perm[i] (default: reversed).
/// Later versions only widen the types.
enum TransposeKernels {
    static let registrations = KernelRegistration.versions("Transpose", [1, 13, 21, 23, 24, 25]) { context in
        let perm = try context.ints("perm")
        return ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "data")
            return [.tensor(try transposed(x, perm: perm ?? Array((0..<x.rank).reversed())))]
        }
    }

    static func transposed(_ x: TensorValue, perm: [Int]) throws -> TensorValue {
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw KernelError("perm \(perm) is not a permutation of the \(x.rank) axes")
        }
        let strides = ShapeMath.strides(x.shape)
        // Merge runs of output axes that stay adjacent and in order in the input: fewer, longer rows.
        var groups: [(size: Int, stride: Int)] = []
        var previous = -2
        for axis in perm {
            if axis == previous + 1, let last = groups.popLast() {
                groups.append((last.size * x.shape[axis], strides[axis]))
            } else {
                groups.append((x.shape[axis], strides[axis]))
            }
            previous = axis
        }
        let gather = AxisTableGather(
            shape: groups.map(\.size),
            tables: groups.map { AxisTableGather.strided($0.size, step: $0.stride) })
        return try ShapeElements.transform(x, to: perm.map { x.shape[$0] }, gather)
    }
}

extension TensorValue {
    /// The tensor with output axis i taken from axis perm[i] (the Transpose kernel's own code, for callers
    /// outside a graph, such as a CLI adapting recorded inputs to a converted model's layout).
    public func transposed(perm: [Int]) throws -> TensorValue { try TransposeKernels.transposed(self, perm: perm) }
}
