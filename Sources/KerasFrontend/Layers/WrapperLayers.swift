import ONNX

/// TimeDistributed: the wrapped layer applied to every step of axis 1. The time axis is folded into the
/// batch ([N, T, …] → [N·T, …]), the wrapped layer is converted by its own mapping with the wrapper's
/// weights (which are the wrapped layer's, in its order), and its output is unfolded ([N·T, …] → [N, T, …]).
/// Keras does the same fold for layers that do not take a time axis themselves.
enum WrapperLayers {
    static let mappings: [String: LayerMapping] = [
        "TimeDistributed": timeDistributed,
    ]

    private static func timeDistributed(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        guard x.rank >= 3 else { throw c.fail("input rank \(x.rank) has no time axis after the batch axis") }
        guard let inner = c.config["layer"], let className = inner["class_name"]?.string, let config = inner["config"] else {
            throw c.fail("option 'layer' does not describe the wrapped layer")
        }
        guard !KerasModel.modelClasses.contains(className), let mapping = LayerMappings.all[className] else {
            throw c.fail("wraps \(className), which is not supported inside TimeDistributed (supported: \(LayerMappings.classNames.joined(separator: ", ")))")
        }
        let b = c.builder
        let foldedBatch = x.shape[0].flatMap { n in x.shape[1].map { n * $0 } }
        let folded = KerasTensor(name: b.op("Reshape", [x.name, foldedShape(x, b)]), shape: [foldedBatch] + x.shape[2...])
        // Errors from the wrapped layer's mapping name it as "<wrapper>/<wrapped>".
        let wrapped = KerasLayer(className: className, name: "\(c.layer.name)/\(config["name"]?.string ?? className)",
                                 config: config, calls: [], submodel: nil)
        let context = LayerContext(layer: wrapped, call: c.call, inputs: [folded], weights: c.weights, builder: b,
                                   kerasVersion: c.kerasVersion)
        let outputs = try mapping(context)
        guard outputs.count == 1, let reordered = outputs.first, reordered.rank >= 1 else {
            throw c.fail("the wrapped \(className) returns \(outputs.count) tensors; TimeDistributed needs exactly one")
        }
        // A wrapped Flatten could hand back its features reordered; the unfolded output has Keras's order.
        let y = Layout.kerasOrder(reordered, b)
        let shape = [x.shape[0], x.shape[1]] + y.shape.dropFirst()
        return [KerasTensor(name: b.op("Reshape", [y.name, unfoldedShape(x, y, b)]), shape: shape)]
    }

    /// [-1, D2, …]: a constant when x's sizes after the time axis are known, else read from x at run time.
    private static func foldedShape(_ x: KerasTensor, _ b: GraphBuilder) -> String {
        let rest = x.shape.dropFirst(2)
        if rest.allSatisfy({ $0 != nil }) { return b.int64s("folded_shape", [-1] + rest.map { Int64($0 ?? -1) }) }
        return b.op("Concat", [b.int64s("minus_one", [-1]), dims(of: x.name, from: 2, b)], [.int("axis", 0)])
    }

    /// [N, T, E1, …] for the wrapped layer's output [N·T, E1, …]: a constant when T and the E sizes are known
    /// (N is then whatever is left), else N and T read from x and the E sizes from y at run time.
    private static func unfoldedShape(_ x: KerasTensor, _ y: KerasTensor, _ b: GraphBuilder) -> String {
        let rest = y.shape.dropFirst()
        if let steps = x.shape[1], rest.allSatisfy({ $0 != nil }) {
            return b.int64s("unfolded_shape", [-1, Int64(steps)] + rest.map { Int64($0 ?? -1) })
        }
        let batchAndTime = b.op("Slice", [b.op("Shape", [x.name]), b.int64s("starts", [0]), b.int64s("ends", [2])])
        return b.op("Concat", [batchAndTime, dims(of: y.name, from: 1, b)], [.int("axis", 0)])
    }

    /// The run-time sizes of `value` from axis `start` on.
    private static func dims(of value: String, from start: Int, _ b: GraphBuilder) -> String {
        b.op("Slice", [b.op("Shape", [value]), b.int64s("starts", [Int64(start)]), b.int64s("ends", [Int64.max])])
    }
}
