import ONNX

/// Constant (1, 9, 11, 12, 13, 19, 21, 23, 24, 25): the tensor of its one value attribute.
/// 1–9 know only `value`; 11 adds `sparse_value`; 12 adds `value_float(s)`, `value_int(s)`,
/// `value_string(s)`; later versions only widen the types. The value is decoded once, when planned.
///
/// ConstantOfShape (9, 20, 21, 23, 24, 25): a tensor of the shape given by its input, every element
/// the one-element `value` attribute (default float 0). Later versions only widen the types.
enum ConstantKernels {
    static let registrations =
        KernelRegistration.versions("Constant", [1, 9, 11, 12, 13, 19, 21, 23, 24, 25]) { context in
            let value = RuntimeValue.tensor(try constantValue(context))
            return ClosureKernel { _, _ in [value] }
        }
        + KernelRegistration.versions("ConstantOfShape", [9, 20, 21, 23, 24, 25]) { context in
            let value = try context.tensor("value") ?? TensorValue(shape: [1], values: [Float(0)])
            guard value.count == 1 else {
                throw KernelError("attribute 'value' must hold one element, got \(value.count)")
            }
            return ClosureKernel { inputs, _ in
                let shape = try ShapeInputs.ints(inputs, 0, "input")
                guard shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("shape \(shape) has a negative dimension") }
                let count = try ShapeMath.checkedCount(shape, of: value.dataType)
                return [.tensor(try ShapeElements.transform(value, to: shape, RepeatFirst(count: count)))]
            }
        }

    static func constantValue(_ context: NodeContext) throws -> TensorValue {
        let names = ["value", "sparse_value", "value_float", "value_floats", "value_int", "value_ints",
                     "value_string", "value_strings"]
        let present = names.filter { context.has($0) }
        guard present.count == 1, let name = present.first else {
            throw KernelError("Constant needs exactly one of \(names.joined(separator: ", ")); got \(present)")
        }
        switch name {
        case "value": return try context.required(name, context.tensor)
        case "sparse_value":
            guard let attribute = context.attribute(name), case .sparseTensor(let sparse) = attribute.value else {
                throw KernelError("attribute 'sparse_value' must be a sparse tensor")
            }
            return try densify(sparse)
        case "value_float": return .scalar(try context.required(name, context.float))
        case "value_floats":
            let v = try context.required(name, context.floats)
            return TensorValue(shape: [v.count], values: v)
        case "value_int": return .scalar(Int64(try context.required(name, context.int)))
        case "value_ints":
            let v = try context.required(name, context.ints)
            return ShapeInputs.int64Tensor(v)
        case "value_string": return .scalar(try context.required(name, context.string))
        default:
            let v = try context.required(name, context.strings)
            return TensorValue(shape: [v.count], values: v)
        }
    }

    /// A sparse tensor made dense: `values` placed at `indices` (linear [NNZ] or coordinates [NNZ, rank])
    /// in zeros of shape `dims`.
    static func densify(_ sparse: SparseTensor) throws -> TensorValue {
        guard let valuesProto = sparse.values, let indicesProto = sparse.indices else {
            throw KernelError("sparse_value needs values and indices")
        }
        let values = try TensorValue(valuesProto)
        let indices = try ShapeInputs.ints(TensorValue(indicesProto), "sparse_value.indices")
        let shape = sparse.dims.map { Int($0) }
        let total = try ShapeMath.checkedCount(shape, of: values.dataType, what: "sparse_value")
        let nnz = values.count
        var linear: [Int]
        if indices.count == nnz {
            linear = indices
        } else if indices.count == nnz * shape.count {
            let strides = ShapeMath.strides(shape)
            // Coordinates out of their axis would make a linear index that overflows or lands elsewhere.
            for (i, index) in indices.enumerated() where index < 0 || index >= shape[i % shape.count] {
                throw KernelError("sparse_value index \(index) is out of range for shape \(shape)")
            }
            linear = (0..<nnz).map { i in (0..<shape.count).reduce(0) { $0 + indices[i * shape.count + $1] * strides[$1] } }
        } else {
            throw KernelError("sparse_value has \(indices.count) indices for \(nnz) values")
        }
        guard linear.allSatisfy({ $0 >= 0 && $0 < total }) else { throw KernelError("sparse_value index out of range") }
        let zeros = try ShapeElements.zeros(values.dataType, shape: shape)
        return try ShapeElements.transform(zeros, to: shape, Placement(positions: linear, values: values))
    }

    /// `values` written at `positions` into the input.
    struct Placement: ElementTransform {
        let positions: [Int]
        let values: TensorValue
        func apply<T>(_ input: [T]) throws -> [T] {
            let v = try ShapeElements.elements(of: values, as: T.self)
            var out = input
            for (p, x) in zip(positions, v) { out[p] = x }
            return out
        }
    }
}
