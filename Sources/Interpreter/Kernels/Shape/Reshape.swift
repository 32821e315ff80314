import ONNX

/// Reshape (1, 5, 13, 14, 19, 21, 23, 24, 25): the same elements under a new shape. 1 takes the shape
/// from the `shape` attribute, 5+ from the second input; 0 copies the input's dimension and one -1 is
/// inferred. From 14, `allowzero=1` makes 0 a real zero-size dimension instead.
/// Flatten (1, 9, 11, 13, 21, 23, 24, 25): a 2-D view [d0·…·d(axis-1), d(axis)·…]; 11 allows a
/// negative `axis`. Neither copies elements.
enum ReshapeKernels {
    static let registrations =
        KernelRegistration.versions("Reshape", [1]) { context in
            let shape = try context.required("shape", context.ints)
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                return [.tensor(try reshaped(x, to: shape, allowZero: false))]
            }
        }
        + KernelRegistration.versions("Reshape", [5, 13, 14, 19, 21, 23, 24, 25]) { context in
            let allowZero = context.opset >= 14 ? try context.int("allowzero", default: 0) != 0 : false
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                let shape = try ShapeInputs.ints(inputs, 1, "shape")
                return [.tensor(try reshaped(x, to: shape, allowZero: allowZero))]
            }
        }
        + KernelRegistration.versions("Flatten", [1, 9, 11, 13, 21, 23, 24, 25]) { context in
            let axis = try context.int("axis", default: 1)
            return ClosureKernel { inputs, _ in
                var x = try ShapeInputs.tensor(inputs, 0, "input")
                let a = axis < 0 ? axis + x.rank : axis
                guard a >= 0 && a <= x.rank else { throw KernelError("axis \(axis) is out of range for rank \(x.rank)") }
                let shape = try [ShapeMath.checkedCount(Array(x.shape[..<a])), ShapeMath.checkedCount(Array(x.shape[a...]))]
                try ShapeMath.checkedCount(shape, of: x.dataType)
                x.shape = shape
                return [.tensor(x)]
            }
        }

    /// `x` viewed with `requested` dimensions (0 = keep unless `allowZero`, -1 = inferred).
    static func reshaped(_ x: TensorValue, to requested: [Int], allowZero: Bool) throws -> TensorValue {
        var shape = requested
        var inferred: Int? = nil
        for (i, d) in requested.enumerated() {
            switch d {
            case -1:
                guard inferred == nil else { throw KernelError("shape \(requested) has more than one -1") }
                inferred = i
            case 0 where !allowZero:
                guard i < x.rank else { throw KernelError("shape \(requested) copies dimension \(i) of a rank-\(x.rank) input") }
                shape[i] = x.shape[i]
            case ..<0: throw KernelError("shape \(requested) has a negative dimension")
            default: break
            }
        }
        if let i = inferred {
            // Checked like an output shape: the known dimensions of a hostile shape can overflow.
            var others = shape
            others.remove(at: i)
            let known = try ShapeMath.checkedCount(others, of: x.dataType)
            guard known > 0, x.count % known == 0 else {
                throw KernelError("cannot reshape \(x.shape) to \(requested)")
            }
            shape[i] = x.count / known
        }
        guard try ShapeMath.checkedCount(shape, of: x.dataType) == x.count else {
            throw KernelError("cannot reshape \(x.shape) to \(requested)")
        }
        var result = x
        result.shape = shape
        return result
    }
}
