import ONNX

/// Squeeze (1, 11, 13, 21, 23, 24, 25): drops size-1 dimensions — those listed in `axes` (attribute
/// before 13, optional second input from 13), or all of them when no axes are given; 11 allows
/// negative axes. Unsqueeze (1, 11, 13, 21, 23, 24, 25): inserts size-1 dimensions at `axes` of the
/// output (attribute before 13, required input from 13). Neither copies elements.
enum SqueezeKernels {
    static let registrations =
        KernelRegistration.versions("Squeeze", [1, 11]) { context in
            let axes = try context.ints("axes")
            return ClosureKernel { inputs, _ in
                [.tensor(try squeezed(try ShapeInputs.tensor(inputs, 0, "data"), axes: axes))]
            }
        }
        + KernelRegistration.versions("Squeeze", [13, 21, 23, 24, 25]) { _ in
            ClosureKernel { inputs, _ in
                let axes = try ShapeInputs.optionalInts(inputs, 1, "axes")
                return [.tensor(try squeezed(try ShapeInputs.tensor(inputs, 0, "data"), axes: axes))]
            }
        }
        + KernelRegistration.versions("Unsqueeze", [1, 11]) { context in
            let axes = try context.required("axes", context.ints)
            return ClosureKernel { inputs, _ in
                [.tensor(try unsqueezed(try ShapeInputs.tensor(inputs, 0, "data"), axes: axes))]
            }
        }
        + KernelRegistration.versions("Unsqueeze", [13, 21, 23, 24, 25]) { _ in
            ClosureKernel { inputs, _ in
                let axes = try ShapeInputs.ints(inputs, 1, "axes")
                return [.tensor(try unsqueezed(try ShapeInputs.tensor(inputs, 0, "data"), axes: axes))]
            }
        }

    static func squeezed(_ x: TensorValue, axes: [Int]?) throws -> TensorValue {
        var result = x
        if let axes, !axes.isEmpty {
            let drop = Set(try ShapeMath.axes(axes, rank: x.rank))
            for a in drop where x.shape[a] != 1 {
                throw KernelError("cannot squeeze axis \(a) of size \(x.shape[a])")
            }
            result.shape = x.shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        } else {
            result.shape = x.shape.filter { $0 != 1 }
        }
        return result
    }

    static func unsqueezed(_ x: TensorValue, axes: [Int]) throws -> TensorValue {
        let rank = x.rank + axes.count
        let inserted = Set(try ShapeMath.axes(axes, rank: rank))
        var shape: [Int] = []
        var next = x.shape.makeIterator()
        for i in 0..<rank {
            if inserted.contains(i) { shape.append(1) } else if let d = next.next() { shape.append(d) }
        }
        var result = x
        result.shape = shape
        return result
    }
}
