import ONNX

/// Det (11, 22): the determinant of each square matrix in the last two axes (LU decomposition with
/// partial pivoting, in double precision); output shape is the leading axes. 22 only widens the types.
enum DetKernels {
    static let registrations = KernelRegistration.versions("Det", [11, 22]) { _ in
        ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "X")
            guard x.rank >= 2, x.shape[x.rank - 1] == x.shape[x.rank - 2] else {
                throw KernelError("input must be square matrices, got \(x.shape)")
            }
            guard x.dataType.isFloatingPoint, let values = x.doubles() else {
                throw KernelError("Det needs a floating-point input, got \(x.dataType)")
            }
            let n = x.shape[x.rank - 1]
            let batch = Array(x.shape.dropLast(2))
            let count = batch.reduce(1, *)
            let dets = (0..<count).map { determinant(Array(values[($0 * n * n)..<(($0 + 1) * n * n)]), n) }
            if x.dataType == .double { return [.tensor(TensorValue(shape: batch, values: dets))] }
            return [.tensor(TensorValue(floating: x.dataType, shape: batch, values: dets.map { Float($0) }))]
        }
    }

    static func determinant(_ matrix: [Double], _ n: Int) -> Double {
        var a = matrix
        var det = 1.0
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<max(n, col + 1) where abs(a[r * n + col]) > abs(a[pivot * n + col]) { pivot = r }
            if a[pivot * n + col] == 0 { return 0 }
            if pivot != col {
                for c in 0..<n { a.swapAt(pivot * n + c, col * n + c) }
                det = -det
            }
            let p = a[col * n + col]
            det *= p
            for r in (col + 1)..<max(n, col + 1) {
                let f = a[r * n + col] / p
                if f == 0 { continue }
                for c in col..<n { a[r * n + c] -= f * a[col * n + c] }
            }
        }
        return det
    }
}
