import ONNX

/// Expand (8, 13): broadcasts the input to the numpy broadcast of its shape and the `shape` input.
/// Tile (1, 6, 13): repeats the input along each axis. 1 takes scalar `tiles` and `axis` inputs (one
/// axis); 6+ takes `repeats`, one count per axis. 13 only widens the types.
enum ExpandKernels {
    static let registrations =
        KernelRegistration.versions("Expand", [8, 13]) { _ in
            ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "input")
                let shape = try ShapeInputs.ints(inputs, 1, "shape")
                guard shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("shape \(shape) has a negative dimension") }
                return [.tensor(try expanded(x, to: Broadcast.shape([x.shape, shape])))]
            }
        }
        + KernelRegistration.versions("Tile", [1]) { _ in
            ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "input")
                let tiles = try ShapeInputs.scalarInt(inputs, 1, "tiles")
                let axis = try ShapeMath.axis(try ShapeInputs.scalarInt(inputs, 2, "axis"), rank: x.rank)
                var repeats = [Int](repeating: 1, count: x.rank)
                repeats[axis] = tiles
                return [.tensor(try tiled(x, repeats: repeats))]
            }
        }
        + KernelRegistration.versions("Tile", [6, 13]) { _ in
            ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "input")
                return [.tensor(try tiled(x, repeats: try ShapeInputs.ints(inputs, 1, "repeats")))]
            }
        }

    /// `x` broadcast to `shape` (which must be a broadcast of x's shape).
    static func expanded(_ x: TensorValue, to shape: [Int]) throws -> TensorValue {
        let count = try ShapeMath.checkedCount(shape, of: x.dataType)
        if x.count == 1 { return try ShapeElements.transform(x, to: shape, RepeatFirst(count: count)) }
        let strides = Broadcast.strides(of: x.shape, broadcastTo: shape)
        let tables = zip(shape, strides).map { AxisTableGather.strided($0, step: $1) }
        return try ShapeElements.transform(x, to: shape, AxisTableGather(shape: shape, tables: tables))
    }

    static func tiled(_ x: TensorValue, repeats: [Int]) throws -> TensorValue {
        guard repeats.count == x.rank, repeats.allSatisfy({ $0 >= 0 }) else {
            throw KernelError("repeats \(repeats) must be \(x.rank) non-negative counts")
        }
        let strides = ShapeMath.strides(x.shape)
        let shape = try zip(x.shape, repeats).map { try ShapeMath.multiply($0, $1, "Tile output dimension") }
        // Checked before the index tables, which are as long as the output's dimensions.
        try ShapeMath.checkedCount(shape, of: x.dataType)
        let tables = (0..<x.rank).map { k in (0..<shape[k]).map { ($0 % x.shape[k]) * strides[k] } }
        return try ShapeElements.transform(x, to: shape, AxisTableGather(shape: shape, tables: tables))
    }
}
