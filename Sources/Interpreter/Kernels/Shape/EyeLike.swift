import ONNX

/// EyeLike (9, 22): a 2-D tensor of the input's shape with ones on diagonal k (j - i = k) and zeros
/// elsewhere, of type `dtype` (default: the input's type). 22 only widens the types.
enum EyeLikeKernels {
    static let registrations = KernelRegistration.versions("EyeLike", [9, 22]) { context in
        let dtype = try context.int("dtype").map { code -> DataType in
            guard let t = DataType(rawValue: Int32(code)) else { throw KernelError("unknown dtype \(code)") }
            return t
        }
        let k = try context.int("k", default: 0)
        return ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "input")
            guard x.rank == 2 else { throw KernelError("input must be 2-D, got \(x.shape)") }
            let type = dtype ?? x.dataType
            let (rows, columns) = (x.shape[0], x.shape[1])
            try ShapeMath.checkedCount(x.shape, of: type)
            // Only the rows the diagonal crosses (an empty [2^40, 0] input must not loop over its rows).
            var positions: [Int] = []
            if k < columns && k > -rows {
                positions = (max(0, -k)..<min(rows, columns - k)).map { i in i * columns + i + k }
            }
            let one = try ShapeElements.one(type)
            let values = try ShapeElements.transform(one, to: [positions.count], RepeatFirst(count: positions.count))
            let zeros = try ShapeElements.zeros(type, shape: x.shape)
            return [.tensor(try ShapeElements.transform(zeros, to: x.shape,
                                                        ConstantKernels.Placement(positions: positions, values: values)))]
        }
    }
}
