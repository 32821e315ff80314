import ONNX

/// Shape (1, 13, 15, 19, 21, 23, 24, 25): the input's dimensions as int64. From 15 the optional
/// `start`/`end` attributes pick a range of dimensions (negative counts from the back, clamped).
/// Size (1, 13, 19, 21, 23, 24, 25): the input's element count as an int64 scalar.
enum ShapeOfKernels {
    static let registrations =
        KernelRegistration.versions("Shape", [1, 13]) { _ in
            ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                return [.tensor(ShapeInputs.int64Tensor(x.shape))]
            }
        }
        + KernelRegistration.versions("Shape", [15, 19, 21, 23, 24, 25]) { context in
            let start = try context.int("start", default: 0)
            let end = try context.int("end")
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                let rank = x.rank
                func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
                let lo = clamp(start), hi = clamp(end ?? rank)
                let dims = lo < hi ? Array(x.shape[lo..<hi]) : []
                return [.tensor(ShapeInputs.int64Tensor(dims))]
            }
        }
        + KernelRegistration.versions("Size", [1, 13, 19, 21, 23, 24, 25]) { _ in
            ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                return [.tensor(.scalar(Int64(x.count)))]
            }
        }
}
