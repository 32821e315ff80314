import ONNX

/// Trilu (14): keeps the upper (`upper=1`, j - i ≥ k) or lower (j - i ≤ k) triangle of each matrix in
/// the last two axes and zeroes the rest; k is the optional scalar second input (default 0).
enum TriluKernels {
    static let registrations = KernelRegistration.versions("Trilu", [14]) { context in
        let upper = try context.int("upper", default: 1) != 0
        return ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "input")
            guard x.rank >= 2 else { throw KernelError("input must have rank ≥ 2, got \(x.shape)") }
            let k = try ShapeInputs.optionalTensor(inputs, 1, "k") == nil ? 0 : try ShapeInputs.scalarInt(inputs, 1, "k")
            let triangle = Triangle(rows: x.shape[x.rank - 2], columns: x.shape[x.rank - 1], k: k, upper: upper,
                                    zero: try ShapeElements.zeros(x.dataType, shape: []))
            return [.tensor(try ShapeElements.transform(x, to: x.shape, triangle))]
        }
    }

    struct Triangle: ElementTransform {
        let rows: Int, columns: Int, k: Int, upper: Bool, zero: TensorValue
        func apply<T>(_ input: [T]) throws -> [T] {
            guard let z = try ShapeElements.elements(of: zero, as: T.self).first else { return input }
            var out = input
            let matrix = rows * columns
            guard matrix > 0 else { return out }
            for m in 0..<(input.count / matrix) {
                for i in 0..<rows {
                    for j in 0..<columns {
                        let keep = upper ? j - i >= k : j - i <= k
                        if !keep { out[m * matrix + i * columns + j] = z }
                    }
                }
            }
            return out
        }
    }
}
