import ONNX

/// CumSum (11, 14): running sums along the axis given by the scalar `axis` input; `exclusive` leaves
/// out the element itself, `reverse` sums from the end. 14 adds float16/bfloat16 (summed in float32).
enum CumSumKernels {
    static let registrations = KernelRegistration.versions("CumSum", [11, 14]) { context in
        let exclusive = try context.int("exclusive", default: 0) != 0
        let reverse = try context.int("reverse", default: 0) != 0
        return ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "x")
            let a = try ShapeMath.axis(try ShapeInputs.scalarInt(inputs, 1, "axis"), rank: x.rank)
            let sum = Sum(dim: x.shape[a], inner: x.shape[(a + 1)...].reduce(1, *), exclusive: exclusive, reverse: reverse)
            return [.tensor(try ShapeNumbers.transform(x, to: x.shape, sum))]
        }
    }

    struct Sum: NumericTransform {
        let dim: Int, inner: Int, exclusive: Bool, reverse: Bool
        func apply<N: ShapeNumber>(_ values: [N]) throws -> [N] {
            guard dim > 0, inner > 0 else { return values }
            var out = values
            let outer = values.count / (dim * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * dim * inner + i
                    var total = N.zeroValue
                    for step in 0..<dim {
                        let j = reverse ? dim - 1 - step : step
                        let p = base + j * inner
                        let v = values[p]
                        if exclusive {
                            out[p] = total
                            total = N.add(total, v)
                        } else {
                            total = N.add(total, v)
                            out[p] = total
                        }
                    }
                }
            }
            return out
        }
    }
}
