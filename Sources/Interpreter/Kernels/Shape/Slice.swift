import ONNX

/// Slice (1, 10, 11, 13): elements start…end (exclusive) by step along chosen axes. 1 reads `starts`,
/// `ends`, `axes` from attributes (step 1); 10+ reads them from inputs, with optional `axes` and
/// `steps` (negative steps walk backwards); 11 allows negative axes; 13 only widens the types.
/// Out-of-range starts and ends are clamped as numpy does.
enum SliceKernels {
    static let registrations =
        KernelRegistration.versions("Slice", [1]) { context in
            let starts = try context.required("starts", context.ints)
            let ends = try context.required("ends", context.ints)
            let axes = try context.ints("axes")
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                return [.tensor(try sliced(x, starts: starts, ends: ends, axes: axes, steps: nil))]
            }
        }
        + KernelRegistration.versions("Slice", [10, 11, 13]) { _ in
            ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                let starts = try ShapeInputs.ints(inputs, 1, "starts")
                let ends = try ShapeInputs.ints(inputs, 2, "ends")
                let axes = try ShapeInputs.optionalInts(inputs, 3, "axes")
                let steps = try ShapeInputs.optionalInts(inputs, 4, "steps")
                return [.tensor(try sliced(x, starts: starts, ends: ends, axes: axes, steps: steps))]
            }
        }

    /// The first index and element count that start…end by `step` selects along a dimension of `dim`.
    static func range(dim: Int, start: Int, end: Int, step: Int) -> (start: Int, count: Int) {
        var s = start < 0 ? start + dim : start
        var e = end < 0 ? end + dim : end
        if step > 0 {
            s = min(max(s, 0), dim)
            e = min(max(e, 0), dim)
            return (s, e > s ? (e - s + step - 1) / step : 0)
        }
        s = min(max(s, 0), dim - 1)
        e = min(max(e, -1), dim - 1)
        return (s, s > e ? (s - e - step - 1) / -step : 0)
    }

    static func sliced(_ x: TensorValue, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) throws -> TensorValue {
        let axes = try ShapeMath.axes(axes ?? Array(0..<starts.count), rank: x.rank)
        let steps = steps ?? Array(repeating: 1, count: starts.count)
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw KernelError("starts, ends, axes and steps differ in length (\(starts.count), \(ends.count), \(axes.count), \(steps.count))")
        }
        let strides = ShapeMath.strides(x.shape)
        var shape = x.shape
        var tables = zip(x.shape, strides).map { AxisTableGather.strided($0, step: $1) }
        for (i, axis) in axes.enumerated() {
            guard steps[i] != 0 else { throw KernelError("step on axis \(axis) is 0") }
            let r = range(dim: x.shape[axis], start: starts[i], end: ends[i], step: steps[i])
            shape[axis] = r.count
            tables[axis] = AxisTableGather.strided(r.count, start: r.start * strides[axis], step: steps[i] * strides[axis])
        }
        return try ShapeElements.transform(x, to: shape, AxisTableGather(shape: shape, tables: tables))
    }
}
