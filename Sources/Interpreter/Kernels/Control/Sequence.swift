import ONNX

/// The sequence ops, all since 11 unless noted, on `RuntimeValue.sequence`:
/// SequenceEmpty (11), SequenceConstruct (11), SequenceAt (11), SequenceInsert (11), SequenceErase (11),
/// SequenceLength (11), SplitToSequence (11, 24: 24 only adds element types), ConcatFromSequence (11).
/// Positions may be negative (counted from the end); SequenceInsert appends and SequenceErase removes
/// the last element when no position is given.
enum SequenceKernels {
    static let registrations: [KernelRegistration] =
        [
            KernelRegistration("SequenceEmpty", since: 11) { _ in
                ClosureKernel { _, _ in [.sequence([])] }
            },
            KernelRegistration("SequenceConstruct", since: 11) { _ in
                ClosureKernel { inputs, _ in
                    [.sequence(try inputs.indices.map { .tensor(try ControlArgs.tensor(inputs, $0, "input \($0)")) })]
                }
            },
            KernelRegistration("SequenceAt", since: 11) { _ in
                ClosureKernel { inputs, _ in
                    let items = try sequence(inputs, 0)
                    let position = try index(try ControlArgs.tensor(inputs, 1, "position"), count: items.count, inclusiveEnd: false)
                    return [items[position]]
                }
            },
            KernelRegistration("SequenceInsert", since: 11) { _ in
                ClosureKernel { inputs, _ in
                    var items = try sequence(inputs, 0)
                    let tensor = try ControlArgs.tensor(inputs, 1, "tensor")
                    if let first = items.first?.tensor, first.dataType != tensor.dataType {
                        throw KernelError("cannot insert a \(tensor.dataType) tensor into a sequence of \(first.dataType)")
                    }
                    let position = try ControlArgs.optionalTensor(inputs, 2, "position")
                        .map { try index($0, count: items.count, inclusiveEnd: true) } ?? items.count
                    items.insert(.tensor(tensor), at: position)
                    return [.sequence(items)]
                }
            },
            KernelRegistration("SequenceErase", since: 11) { _ in
                ClosureKernel { inputs, _ in
                    var items = try sequence(inputs, 0)
                    guard !items.isEmpty else { throw KernelError("cannot erase from an empty sequence") }
                    let position = try ControlArgs.optionalTensor(inputs, 1, "position")
                        .map { try index($0, count: items.count, inclusiveEnd: false) } ?? items.count - 1
                    items.remove(at: position)
                    return [.sequence(items)]
                }
            },
            KernelRegistration("SequenceLength", since: 11) { _ in
                ClosureKernel { inputs, _ in [.tensor(.scalar(Int64(try sequence(inputs, 0).count)))] }
            },
            KernelRegistration("ConcatFromSequence", since: 11) { node in
                let axis = try node.required("axis", node.int)
                let newAxis = try node.int("new_axis", default: 0) != 0
                return ClosureKernel { inputs, _ in
                    let tensors = try sequence(inputs, 0).map { value -> TensorValue in
                        guard let t = value.tensor else { throw KernelError("sequence elements must be tensors") }
                        return t
                    }
                    return [.tensor(try concat(tensors, axis: axis, newAxis: newAxis))]
                }
            },
        ]
        + KernelRegistration.versions("SplitToSequence", [11, 24]) { node in
            let axis = try node.int("axis", default: 0)
            let keepDims = try node.int("keepdims", default: 1) != 0
            return ClosureKernel { inputs, _ in
                let input = try ControlArgs.tensor(inputs, 0, "input")
                let split = try ControlArgs.optionalTensor(inputs, 1, "split")
                return [.sequence(try splitToSequence(input, split: split, axis: axis, keepDims: keepDims).map { .tensor($0) })]
            }
        }

    static func sequence(_ inputs: [RuntimeValue?], _ i: Int) throws -> [RuntimeValue] {
        guard i < inputs.count, let value = inputs[i] else { throw KernelError("input sequence is required") }
        switch value {
        case .sequence(let items): return items
        case .optional(.some(.sequence(let items))): return items
        default: throw KernelError("input must be a sequence, got \(value.kindDescription)")
        }
    }

    /// A position tensor as an index into `count` elements (`inclusiveEnd`: `count` itself is allowed).
    static func index(_ tensor: TensorValue, count: Int, inclusiveEnd: Bool) throws -> Int {
        guard tensor.count == 1, let raw = tensor.int64s()?.first else { throw KernelError("position must be a scalar integer") }
        let position = raw < 0 ? Int(raw) + count : Int(raw)
        guard position >= 0, position < count + (inclusiveEnd ? 1 : 0) else {
            throw KernelError("position \(raw) is out of range for a sequence of \(count)")
        }
        return position
    }

    /// Tensors joined along `axis`, or stacked along a new `axis` when `newAxis`.
    static func concat(_ tensors: [TensorValue], axis: Int, newAxis: Bool) throws -> TensorValue {
        guard let first = tensors.first else { throw KernelError("cannot concatenate an empty sequence") }
        let rank = first.rank + (newAxis ? 1 : 0)
        let a = try ControlArgs.axis(axis, rank: rank)
        let parts = tensors.map { t -> TensorValue in
            guard newAxis else { return t }
            var s = t.shape
            s.insert(1, at: a)
            return TensorValue(dataType: t.dataType, shape: s, storage: t.storage)
        }
        var shape = parts[0].shape
        var total = 0
        for part in parts {
            guard part.rank == shape.count else { throw KernelError("sequence elements have different ranks") }
            for d in 0..<shape.count where d != a && part.shape[d] != shape[d] {
                throw KernelError("cannot concatenate shapes \(shape) and \(part.shape) along axis \(a)")
            }
            total += part.shape[a]
        }
        let moved = parts.map { ElementMoves.moveAxis($0, from: a, to: 0) }
        var movedShape = moved[0].shape
        movedShape[0] = total
        let joined = try ElementMoves.concatenate(moved, shape: movedShape)
        shape[a] = total
        return ElementMoves.moveAxis(joined, from: 0, to: a)
    }

    static func splitToSequence(_ input: TensorValue, split: TensorValue?, axis: Int, keepDims: Bool) throws -> [TensorValue] {
        let a = try ControlArgs.axis(axis, rank: input.rank)
        let length = input.shape[a]
        var sizes: [Int]
        var squeeze = false
        if let split {
            let values = try ControlArgs.ints(split, "split")
            if split.rank == 0 {
                guard let size = values.first, size > 0 else { throw KernelError("split must be positive") }
                sizes = Array(repeating: size, count: length / size)
                if length % size != 0 { sizes.append(length % size) }
            } else {
                // Signs first: a sum of hostile sizes can overflow.
                guard values.allSatisfy({ $0 >= 0 && $0 <= length }),
                      (try? values.reduce(0) { try ShapeMath.add($0, $1, "split") }) == length else {
                    throw KernelError("split \(values) does not add up to \(length)")
                }
                sizes = values
            }
        } else {
            sizes = Array(repeating: 1, count: length)
            squeeze = !keepDims
        }
        let moved = ElementMoves.moveAxis(input, from: a, to: 0)
        let inner = try ShapeMath.checkedCount(Array(moved.shape.dropFirst()))
        var start = 0
        return sizes.map { size in
            var shape = moved.shape
            shape[0] = size
            let part = ElementMoves.moveAxis(
                ElementMoves.slice(moved, range: (start * inner)..<((start + size) * inner), shape: shape), from: 0, to: a)
            start += size
            if squeeze {
                var s = part.shape
                s.remove(at: a)
                return TensorValue(dataType: part.dataType, shape: s, storage: part.storage)
            }
            return part
        }
    }
}

/// SequenceMap (17): runs `body` once per position of the first input sequence; sequence inputs give
/// their element at that position, tensor inputs are passed whole; each body output is collected
/// into an output sequence.
enum SequenceMapKernels {
    static let registrations = [KernelRegistration("SequenceMap", since: 17) { node in
        SequenceMapKernel(body: try node.subgraph("body"))
    }]
}

struct SequenceMapKernel: Kernel {
    let body: GraphPlan

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let count = try SequenceKernels.sequence(inputs, 0).count
        var outputs = [[RuntimeValue]](repeating: [], count: body.outputs.count)
        for i in 0..<count {
            var arguments: [RuntimeValue?] = []
            for (j, input) in inputs.enumerated() {
                guard let input else { throw KernelError("input \(j) is missing") }
                if case .sequence(let items) = input {
                    guard items.count == count else { throw KernelError("input sequence \(j) has \(items.count) elements, expected \(count)") }
                    arguments.append(items[i])
                } else {
                    arguments.append(input)
                }
            }
            let results = try context.run(body, inputs: arguments)
            for (k, value) in results.enumerated() {
                guard let value else { throw KernelError("body did not compute output '\(body.outputs[k].name)'") }
                outputs[k].append(value)
            }
        }
        return outputs.map { .sequence($0) }
    }
}
