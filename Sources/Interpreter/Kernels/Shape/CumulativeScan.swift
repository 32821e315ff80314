import ONNX

/// CumSum (11, 14) and CumProd (26): running sums or products along the axis given by the scalar `axis`
/// input; `exclusive` leaves out the element itself (the first output is the identity, 0 or 1),
/// `reverse` runs from the end. CumSum 14 and CumProd add float16/bfloat16 (computed in float32);
/// integers wrap on overflow. The two ops differ only in the combining step and its identity, so one
/// scan serves both.
enum CumulativeScanKernels {
    static let registrations =
        KernelRegistration.versions("CumSum", [11, 14]) { try kernel($0, .sum) }
        + KernelRegistration.versions("CumProd", [26]) { try kernel($0, .product) }

    enum Combine: Sendable { case sum, product }

    private static func kernel(_ context: NodeContext, _ combine: Combine) throws -> any Kernel {
        let exclusive = try context.int("exclusive", default: 0) != 0
        let reverse = try context.int("reverse", default: 0) != 0
        return ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "x")
            let a = try ShapeMath.axis(try ShapeInputs.scalarInt(inputs, 1, "axis"), rank: x.rank)
            let scan = Scan(combine: combine, dim: x.shape[a], inner: x.shape[(a + 1)...].reduce(1, *),
                            exclusive: exclusive, reverse: reverse)
            return [.tensor(try ShapeNumbers.transform(x, to: x.shape, scan))]
        }
    }

    struct Scan: NumericTransform {
        let combine: Combine
        let dim: Int, inner: Int, exclusive: Bool, reverse: Bool

        func apply<N: ShapeNumber>(_ values: [N]) throws -> [N] {
            guard dim > 0, inner > 0 else { return values }
            let step: (N, N) -> N = combine == .sum ? N.add : N.multiply
            let identity = combine == .sum ? N.zeroValue : N.oneValue
            var out = values
            let outer = values.count / (dim * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * dim * inner + i
                    var total = identity
                    for s in 0..<dim {
                        let p = base + (reverse ? dim - 1 - s : s) * inner
                        let before = total
                        total = step(total, values[p])
                        out[p] = exclusive ? before : total
                    }
                }
            }
            return out
        }
    }
}
