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
            let positions = (0..<rows).compactMap { i -> Int? in
                let j = i + k
                return j >= 0 && j < columns ? i * columns + j : nil
            }
            let one = try ShapeElements.one(type)
            let values = try ShapeElements.transform(one, to: [positions.count], RepeatFirst(count: positions.count))
            let zeros = ShapeElements.zeros(type, shape: x.shape)
            return [.tensor(try ShapeElements.transform(zeros, to: x.shape,
                                                        ConstantKernels.Placement(positions: positions, values: values)))]
        }
    }
}
