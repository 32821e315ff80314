import ONNX

/// Concat (1, 4, 11, 13): joins its inputs along `axis`. 1 defaults `axis` to 1; 4 requires it;
/// 11 allows negative axes; 13 only widens the types.
enum ConcatKernels {
    static let registrations = KernelRegistration.versions("Concat", [1, 4, 11, 13]) { context in
        let axis = context.opset < 4 ? try context.int("axis", default: 1) : try context.required("axis", context.int)
        return ClosureKernel { inputs, _ in
            let tensors = try inputs.indices.map { try ShapeInputs.tensor(inputs, $0, "inputs[\($0)]") }
            return [.tensor(try concatenated(tensors, axis: axis))]
        }
    }

    static func concatenated(_ tensors: [TensorValue], axis: Int) throws -> TensorValue {
        guard let first = tensors.first else { throw KernelError("Concat needs at least one input") }
        let a = try ShapeMath.axis(axis, rank: first.rank)
        var shape = first.shape
        shape[a] = 0
        for t in tensors {
            guard t.dataType == first.dataType else {
                throw KernelError("inputs mix \(first.dataType) and \(t.dataType)")
            }
            guard t.rank == first.rank,
                  zip(t.shape, first.shape).enumerated().allSatisfy({ $0.offset == a || $0.element.0 == $0.element.1 }) else {
                throw KernelError("cannot concatenate shapes \(first.shape) and \(t.shape) on axis \(a)")
            }
            shape[a] += t.shape[a]
        }
        let inner = first.shape[(a + 1)...].reduce(1, *)
        let outer = first.shape[..<a].reduce(1, *)
        let join = ConcatBlocks(others: Array(tensors.dropFirst()), blocks: tensors.map { $0.shape[a] * inner },
                                outer: outer)
        return try ShapeElements.transform(first, to: shape, join)
    }

    /// Row r of the output is row r of each input in turn (`blocks[i]` elements of input i).
    struct ConcatBlocks: ElementTransform {
        let others: [TensorValue]
        let blocks: [Int]
        let outer: Int

        func apply<T>(_ input: [T]) throws -> [T] {
            let all = [input] + (try others.map { try ShapeElements.elements(of: $0, as: T.self) })
            for (values, block) in zip(all, blocks) where values.count != block * outer {
                throw KernelError("internal: concat input has \(values.count) elements, expected \(block * outer)")
            }
            let row = blocks.reduce(0, +)
            let count = row * outer
            return [T](unsafeUninitializedCapacity: count) { out, initialized in
                guard let dst = out.baseAddress else { return }
                var position = 0
                for (values, block) in zip(all, blocks) {
                    values.withUnsafeBufferPointer { src in
                        guard let source = src.baseAddress else { return }
                        for r in 0..<outer {
                            (dst + r * row + position).initialize(from: source + r * block, count: block)
                        }
                    }
                    position += block
                }
                initialized = count
            }
        }
    }
}
