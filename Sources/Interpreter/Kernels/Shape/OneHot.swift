import ONNX

/// OneHot (9, 11, 28): a new axis of size `depth` at `axis` holding values[1] where the coordinate
/// equals the index and values[0] elsewhere. Indices outside [-depth, depth) give all off values;
/// negative indices count from the end (11 says so explicitly; 9 is read the same way). 28 only widens
/// the types.
enum OneHotKernels {
    static let registrations = KernelRegistration.versions("OneHot", [9, 11, 28]) { context in
        let axis = try context.int("axis", default: -1)
        return ClosureKernel { inputs, _ in
            let indicesTensor = try ShapeInputs.tensor(inputs, 0, "indices")
            guard let indexValues = indicesTensor.doubles() else {
                throw KernelError("indices must be numeric, got \(indicesTensor.dataType)")
            }
            let depthTensor = try ShapeInputs.tensor(inputs, 1, "depth")
            guard depthTensor.count == 1, let depthValue = depthTensor.doubles()?.first else {
                throw KernelError("depth must hold one number")
            }
            guard depthValue.isFinite, abs(depthValue) < 1e15 else { throw KernelError("depth \(depthValue) is not a usable size") }
            let depth = Int(depthValue)
            guard depth > 0 else { throw KernelError("depth \(depth) must be positive") }
            let values = try ShapeInputs.tensor(inputs, 2, "values")
            guard values.count == 2 else { throw KernelError("values must hold [off, on], got \(values.count) elements") }
            let rank = indicesTensor.rank + 1
            let a = try ShapeMath.axis(axis, rank: rank)
            var shape = indicesTensor.shape
            shape.insert(depth, at: a)
            // The start table holds one Int per output element.
            try ShapeMath.checkedCount(shape, elementSize: MemoryLayout<Int>.stride)
            let outer = try ShapeMath.checkedCount(Array(indicesTensor.shape[..<a]))
            let inner = try ShapeMath.checkedCount(Array(indicesTensor.shape[a...]))
            var starts = [Int](repeating: 0, count: outer * depth * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    let value = indexValues[o * inner + i]
                    guard value.isFinite, abs(value) < 1e15 else { continue }
                    var index = Int(value)
                    if index < 0 { index += depth }
                    if index >= 0 && index < depth { starts[(o * depth + index) * inner + i] = 1 }
                }
            }
            return [.tensor(try ShapeElements.transform(values, to: shape, BlockGather(starts: starts, block: 1)))]
        }
    }
}
