// AffineGrid (20): the sampling grid of an affine transform, for GridSample. theta is N×2×3 (2-D) or
// N×3×4 (3-D), size the int64 list [N, C, H, W] or [N, C, D, H, W]; the output is N×H×W×2 or
// N×D×H×W×3. Each output position takes the normalized coordinates of its pixel (centres spread over
// [-1, 1], or edges at ±1 without align_corners), written innermost axis first and made homogeneous,
// times theta: out[…, j] = Σₘ theta[n, j, m]·(x, y[, z], 1)ₘ.

import ONNX

enum AffineGridKernels {
    static let registrations = KernelRegistration.versions("AffineGrid", [20]) { node in
        AffineGridKernel(alignCorners: try node.int("align_corners", default: 0) != 0)
    }
}

struct AffineGridKernel: Kernel {
    let alignCorners: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "AffineGrid")
        let theta = try args.tensor(0, "theta")
        let size = try ShapeInputs.ints(try args.tensor(1, "size"), "size")
        guard size.count == 4 || size.count == 5, !size.contains(where: { $0 < 0 }) else {
            throw KernelError("AffineGrid: size must be [N, C, H, W] or [N, C, D, H, W] of non-negative sizes, got \(size)")
        }
        let r = size.count - 2
        guard theta.shape == [size[0], r, r + 1] else {
            throw KernelError("AffineGrid: theta must be [\(size[0]), \(r), \(r + 1)] for size \(size), got \(theta.shape)")
        }
        // size is data: the grid N×D…×r can be far larger than theta.
        try ShapeMath.checkedCount([size[0]] + size[2...] + [r], of: theta.dataType, what: "AffineGrid output")
        let job = Job(theta: theta, dims: Array(size[2...]), alignCorners: alignCorners)
        return [.tensor(try ImageSupport.run(job, as: theta.dataType))]
    }

    struct Job: FloatingComputation {
        let theta: TensorValue
        let dims: [Int]
        let alignCorners: Bool

        /// The normalized coordinate of pixel `i` of an axis of `size`.
        func coordinate<T: ComputeFloat>(_ i: Int, size: Int) -> T {
            if alignCorners { return size > 1 ? -1 + 2 * T(i) / T(size - 1) : -1 }
            return -1 + (2 * T(i) + 1) / T(size)
        }

        func compute<T: ComputeFloat>(_: T.Type) throws -> (shape: [Int], values: [T]) {
            let tv = try ImageSupport.floating(theta, "AffineGrid", as: T.self)
            let n = theta.shape[0], r = dims.count, count = try ShapeMath.checkedCount(dims)
            let axes: [[T]] = dims.map { size in (0..<size).map { coordinate($0, size: size) } }
            var out = [T](repeating: 0, count: n * count * r)
            var index = [Int](repeating: 0, count: r)
            var point = [T](repeating: 1, count: r + 1)
            for p in 0..<count {
                // Homogeneous point, innermost axis first.
                for d in 0..<r { point[r - 1 - d] = axes[d][index[d]] }
                for image in 0..<n {
                    for j in 0..<r {
                        var sum: T = 0
                        for m in 0...r { sum += tv[(image * r + j) * (r + 1) + m] * point[m] }
                        out[(image * count + p) * r + j] = sum
                    }
                }
                var d = r - 1
                while d >= 0 {
                    index[d] += 1
                    if index[d] < dims[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
            return ([n] + dims + [r], out)
        }
    }
}
