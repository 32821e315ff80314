import ONNX

/// ScatterND (11, 13, 16, 18): a copy of `data` with the slices addressed by the index tuples of
/// `indices` replaced by (or, from 16, combined with — `reduction` add/mul; 18 adds max/min) `updates`.
/// ScatterElements (11, 13, 16, 18): the same per element, the `axis` coordinate taken from `indices`.
/// Scatter (9, 11; deprecated from 11): ScatterElements without reduction.
enum ScatterKernels {
    static let registrations =
        KernelRegistration.versions("ScatterND", [11, 13, 16, 18]) { context in
            let reduction = try Reduction(context)
            return ClosureKernel { inputs, _ in
                let data = try ShapeInputs.tensor(inputs, 0, "data")
                let indices = try ShapeInputs.tensor(inputs, 1, "indices")
                let updates = try ShapeInputs.tensor(inputs, 2, "updates")
                let (starts, block) = try ndTargets(data, indices: indices, updates: updates)
                return [.tensor(try scatter(data, starts: starts, block: block, updates: updates, reduction: reduction))]
            }
        }
        + KernelRegistration.versions("ScatterElements", [11, 13, 16, 18]) { context in
            let reduction = try Reduction(context)
            let axis = try context.int("axis", default: 0)
            return ClosureKernel { inputs, _ in
                [.tensor(try scatterElements(inputs, axis: axis, reduction: reduction))]
            }
        }
        + KernelRegistration.versions("Scatter", [9, 11]) { context in
            let axis = try context.int("axis", default: 0)
            return ClosureKernel { inputs, _ in
                [.tensor(try scatterElements(inputs, axis: axis, reduction: .none))]
            }
        }

    enum Reduction: String {
        case none, add, mul, max, min

        init(_ context: NodeContext) throws {
            guard context.opset >= 16 else { self = .none; return }
            let name = try context.string("reduction", default: "none")
            guard let r = Reduction(rawValue: name), context.opset >= 18 || (r != .max && r != .min) else {
                throw KernelError("unknown reduction '\(name)'")
            }
            self = r
        }
    }

    /// Data offsets of each updated slice, and the slice size.
    static func ndTargets(_ data: TensorValue, indices: TensorValue, updates: TensorValue) throws -> ([Int], Int) {
        guard let m = indices.shape.last, m <= data.rank else {
            throw KernelError("indices shape \(indices.shape) does not fit data shape \(data.shape)")
        }
        let expected = Array(indices.shape.dropLast()) + Array(data.shape[m...])
        guard updates.shape == expected else {
            throw KernelError("updates shape \(updates.shape) should be \(expected)")
        }
        let idx = try ShapeInputs.ints(indices, "indices")
        let strides = ShapeMath.strides(data.shape)
        let tuples = indices.shape.dropLast().reduce(1, *)
        let starts = try (0..<tuples).map { t in
            try (0..<m).reduce(0) { offset, k in
                offset + (try GatherKernels.wrap(idx[t * m + k], data.shape[k])) * strides[k]
            }
        }
        return (starts, data.shape[m...].reduce(1, *))
    }

    static func scatterElements(_ inputs: [RuntimeValue?], axis: Int, reduction: Reduction) throws -> TensorValue {
        let data = try ShapeInputs.tensor(inputs, 0, "data")
        let indices = try ShapeInputs.tensor(inputs, 1, "indices")
        let updates = try ShapeInputs.tensor(inputs, 2, "updates")
        let a = try ShapeMath.axis(axis, rank: data.rank)
        guard indices.shape == updates.shape, indices.rank == data.rank else {
            throw KernelError("indices \(indices.shape) and updates \(updates.shape) must have one shape of data's rank \(data.rank)")
        }
        let idx = try ShapeInputs.ints(indices, "indices")
        let strides = ShapeMath.strides(data.shape)
        var starts = [Int](repeating: 0, count: idx.count)
        var coordinate = [Int](repeating: 0, count: indices.rank)
        for i in 0..<idx.count {
            var offset = 0
            for d in 0..<indices.rank {
                let c = d == a ? try GatherKernels.wrap(idx[i], data.shape[a]) : coordinate[d]
                guard c < data.shape[d] else { throw KernelError("indices shape \(indices.shape) exceeds data shape \(data.shape)") }
                offset += c * strides[d]
            }
            starts[i] = offset
            var d = indices.rank - 1
            while d >= 0 {
                coordinate[d] += 1
                if coordinate[d] < indices.shape[d] { break }
                coordinate[d] = 0
                d -= 1
            }
        }
        return try scatter(data, starts: starts, block: 1, updates: updates, reduction: reduction)
    }

    static func scatter(_ data: TensorValue, starts: [Int], block: Int, updates: TensorValue,
                        reduction: Reduction) throws -> TensorValue {
        guard updates.dataType == data.dataType else {
            throw KernelError("updates are \(updates.dataType), data is \(data.dataType)")
        }
        if reduction == .none {
            return try ShapeElements.transform(data, to: data.shape, Write(starts: starts, block: block, updates: updates))
        }
        return try ShapeNumbers.transform(data, to: data.shape,
                                          Combine(starts: starts, block: block, updates: updates, reduction: reduction))
    }

    struct Write: ElementTransform {
        let starts: [Int], block: Int, updates: TensorValue
        func apply<T>(_ input: [T]) throws -> [T] {
            let u = try ShapeElements.elements(of: updates, as: T.self)
            guard u.count == starts.count * block else { throw KernelError("updates hold \(u.count) elements, expected \(starts.count * block)") }
            var out = input
            for (i, s) in starts.enumerated() {
                for j in 0..<block { out[s + j] = u[i * block + j] }
            }
            return out
        }
    }

    struct Combine: NumericTransform {
        let starts: [Int], block: Int, updates: TensorValue, reduction: Reduction
        func apply<N: ShapeNumber>(_ input: [N]) throws -> [N] {
            let u = try ShapeNumbers.numbers(of: updates, as: N.self)
            guard u.count == starts.count * block else { throw KernelError("updates hold \(u.count) elements, expected \(starts.count * block)") }
            var out = input
            for (i, s) in starts.enumerated() {
                for j in 0..<block {
                    let a = out[s + j], b = u[i * block + j]
                    switch reduction {
                    case .add: out[s + j] = N.add(a, b)
                    case .mul: out[s + j] = N.multiply(a, b)
                    case .max: out[s + j] = Swift.max(a, b)
                    case .min: out[s + j] = Swift.min(a, b)
                    case .none: out[s + j] = b
                    }
                }
            }
            return out
        }
    }
}
