import ONNX

/// Pad (1, 2, 11, 13, 18, 19, 21, 23, 24, 25): adds (or, with negative amounts, removes) elements at
/// both ends of each axis. `mode` constant (fill with the constant value), reflect (mirror without the
/// edge), edge (repeat the edge); 19 adds wrap (continue from the other end).
/// 1 reads `paddings` and `value` attributes, 2 `pads` and `value`; 11+ reads `pads` and the optional
/// `constant_value` from inputs; 18 adds the optional `axes` input (pads then cover only those axes).
/// pads lists all begins, then all ends.
enum PadKernels {
    static let registrations =
        KernelRegistration.versions("Pad", [1, 2]) { context in
            let pads = try context.required(context.opset < 2 ? "paddings" : "pads", context.ints)
            let mode = try Mode(context)
            let value = try context.float("value", default: 0)
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                let fill: TensorValue
                if x.dataType.isFloatingPoint {
                    fill = TensorValue(floating: x.dataType, shape: [], values: [value])
                } else {
                    guard let whole = Int(exactly: value.rounded(.towardZero)) else {
                        throw KernelError("value \(value) cannot fill a \(x.dataType) tensor")
                    }
                    fill = try RangeKernels.castInteger(ShapeInputs.int64Tensor([whole], shape: []), to: x.dataType)
                }
                return [.tensor(try padded(x, pads: pads, axes: nil, mode: mode, fill: fill))]
            }
        }
        + KernelRegistration.versions("Pad", [11, 13, 18, 19, 21, 23, 24, 25]) { context in
            let mode = try Mode(context)
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                let pads = try ShapeInputs.ints(inputs, 1, "pads")
                let fill = try ShapeInputs.optionalTensor(inputs, 2, "constant_value")
                let axes = context.opset >= 18 ? try ShapeInputs.optionalInts(inputs, 3, "axes") : nil
                return [.tensor(try padded(x, pads: pads, axes: axes, mode: mode, fill: fill))]
            }
        }

    enum Mode: String {
        case constant, reflect, edge, wrap

        init(_ context: NodeContext) throws {
            let name = try context.string("mode", default: "constant")
            guard let mode = Mode(rawValue: name), mode != .wrap || context.opset >= 19 else {
                throw KernelError("unknown pad mode '\(name)'")
            }
            self = mode
        }
    }

    static func padded(_ x: TensorValue, pads: [Int], axes: [Int]?, mode: Mode, fill: TensorValue?) throws -> TensorValue {
        let axes = try ShapeMath.axes(axes ?? Array(0..<x.rank), rank: x.rank)
        guard pads.count == 2 * axes.count else {
            throw KernelError("pads has \(pads.count) values for \(axes.count) axes")
        }
        var before = [Int](repeating: 0, count: x.rank), after = before
        for (i, axis) in axes.enumerated() {
            before[axis] = pads[i]
            after[axis] = pads[i + axes.count]
        }
        var shape = x.shape
        for k in 0..<x.rank {
            shape[k] = try ShapeMath.add(x.shape[k], try ShapeMath.add(before[k], after[k], "pads"), "padded dimension \(k)")
            guard shape[k] >= 0 else { throw KernelError("pads remove more than dimension \(k) holds") }
        }
        // Checked before the index tables, which are as long as the output's dimensions.
        try ShapeMath.checkedCount(shape, of: x.dataType)
        let strides = ShapeMath.strides(x.shape)
        var tables: [[Int]] = []
        for k in 0..<x.rank {
            let dim = x.shape[k]
            if shape[k] > 0 && dim == 0 && mode != .constant && (before[k] > 0 || after[k] > 0) {
                throw KernelError("cannot \(mode.rawValue)-pad an empty dimension")
            }
            tables.append((0..<shape[k]).map { j in
                var c = j - before[k]
                if c < 0 || c >= dim {
                    switch mode {
                    case .constant: return AxisTableGather.outside
                    case .edge: c = min(max(c, 0), dim - 1)
                    case .wrap: c = ((c % dim) + dim) % dim
                    case .reflect:
                        if dim == 1 { c = 0 } else {
                            let period = 2 * (dim - 1)
                            c = ((c % period) + period) % period
                            if c >= dim { c = period - c }
                        }
                    }
                }
                return c * strides[k]
            })
        }
        var value = fill
        if value == nil || value?.count == 0 { value = try ShapeElements.zeros(x.dataType, shape: []) }
        if let v = value, v.dataType != x.dataType {
            throw KernelError("constant_value is \(v.dataType), data is \(x.dataType)")
        }
        return try ShapeElements.transform(x, to: shape, AxisTableGather(shape: shape, tables: tables, fill: value))
    }
}
