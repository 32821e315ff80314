import ONNX

/// Add, Subtract, Multiply, Average, Maximum, Minimum (with broadcasting, as Keras allows) and Concatenate.
enum MergeLayers {
    static let mappings: [String: LayerMapping] = [
        "Add": { c in try fold(c, "Add") },
        "Multiply": { c in try fold(c, "Mul") },
        "Maximum": { c in try variadic(c, "Max") },
        "Minimum": { c in try variadic(c, "Min") },
        "Average": { c in try variadic(c, "Mean") },
        "Subtract": { c in
            guard c.inputs.count == 2 else { throw c.fail("Subtract takes 2 inputs, got \(c.inputs.count)") }
            return [KerasTensor(name: c.builder.op("Sub", c.inputs.map(\.name)), shape: broadcast(c.inputs))]
        },
        "Concatenate": { c in
            guard let first = c.inputs.first, c.inputs.count >= 2 else { throw c.fail("Concatenate takes 2 or more inputs") }
            let axis = try c.axis("axis", rank: first.rank, default: -1, batch: true)
            guard c.inputs.allSatisfy({ $0.rank == first.rank }) else { throw c.fail("inputs of ranks \(c.inputs.map(\.rank)) cannot be joined") }
            var shape = first.shape
            shape[axis] = c.inputs.reduce(Optional(0)) { total, t in total.flatMap { a in t.shape[axis].map { a + $0 } } }
            return [KerasTensor(name: c.builder.op("Concat", c.inputs.map(\.name), [.int("axis", axis)]), shape: shape)]
        },
    ]

    /// A chain of binary ops over all inputs, in order.
    private static func fold(_ c: LayerContext, _ op: String) throws -> [KerasTensor] {
        guard var y = c.inputs.first?.name, c.inputs.count >= 2 else { throw c.fail("takes 2 or more inputs") }
        for input in c.inputs.dropFirst() { y = c.builder.op(op, [y, input.name]) }
        return [KerasTensor(name: y, shape: broadcast(c.inputs))]
    }

    private static func variadic(_ c: LayerContext, _ op: String) throws -> [KerasTensor] {
        guard c.inputs.count >= 2 else { throw c.fail("takes 2 or more inputs") }
        return [KerasTensor(name: c.builder.op(op, c.inputs.map(\.name)), shape: broadcast(c.inputs))]
    }

    /// The broadcast shape of the inputs (numpy rules; an unknown size stays unknown unless another is > 1).
    static func broadcast(_ inputs: [KerasTensor]) -> [Int?] {
        let rank = inputs.map(\.rank).max() ?? 0
        return (0..<rank).map { i in
            var size: Int? = 1
            for t in inputs {
                let j = i - (rank - t.rank)
                guard j >= 0 else { continue }
                switch (size, t.shape[j]) {
                case (_, .some(1)): continue
                case (.some(1), let s): size = s
                case (nil, .some(let s)): size = s
                default: continue
                }
            }
            return size
        }
    }
}
