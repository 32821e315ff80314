import Foundation
import ONNX

// Layout rules: frontends for channels-last frameworks put a Transpose pair around every channels-first op
// (Conv, pooling); these rules move transposes down through elementwise ops and cancel the pairs that
// meet, so a plain CNN keeps one Transpose at its input and (where needed) one at its output. Every rule
// here changes no value: ops are exchanged only where they commute exactly with a transpose.

/// Transpose(Transpose(x, p1), p2) → x when the two cancel, else one Transpose of the composed order.
public struct CancelTransposes: Rule {
    public let name = "cancel_transposes"
    public let opTypes: Set<String> = ["Transpose"]

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        guard let input = node.inputs.first, let producer = graph.producer(of: input) else { return false }
        return producer.opType == "Transpose" && TransposeOrder(producer) != nil && TransposeOrder(node) != nil
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let input = node.inputs.first, let producer = graph.producer(of: input), let source = producer.inputs.first,
              let first = TransposeOrder(producer), let second = TransposeOrder(node), let output = node.outputs.first,
              first.perm.count == second.perm.count else { return .unchanged }
        let composed = second.perm.map { first.perm[$0] }
        if composed == Array(composed.indices) {
            // A graph output keeps its name: it becomes an Identity of the source instead.
            if graph.isGraphOutput(output) {
                return .replaced(by: [Node(opType: "Identity", name: node.name, inputs: [source], outputs: [output],
                                           metadata: node.metadata)])
            }
            return .removed(forwarding: [output: source])
        }
        return .replaced(by: [Node(opType: "Transpose", name: node.name, inputs: [source], outputs: [output],
                                   attributes: [Attribute(name: "perm", value: .ints(composed.map(Int64.init)))],
                                   metadata: node.metadata)])
    }
}

/// Op(Transpose(x)) → Transpose(Op(x)) for ops that act on each element alone: unary activations, and
/// binary arithmetic whose other operand is a constant (permuted to match) or is transposed the same way.
public struct PushTransposeThroughElementwise: Rule {
    public let name = "push_transpose_through_elementwise"
    public static let unary: Set<String> = ["Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "Softplus",
                                            "Softsign", "HardSigmoid", "HardSwish", "Exp", "Erf", "Abs", "Neg",
                                            "Sqrt", "Identity", "Mish", "Gelu", "Clip"]
    public static let binary: Set<String> = ["Add", "Sub", "Mul", "Div", "Max", "Min", "PRelu"]
    public var opTypes: Set<String> { Self.unary.union(Self.binary) }

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        guard let input = node.inputs.first, let producer = graph.producer(of: input), producer.opType == "Transpose",
              graph.consumerCount(of: input) == 1, !graph.isGraphOutput(input), node.outputs.count == 1 else { return false }
        if Self.unary.contains(node.opType) {
            // Clip's bounds and the like must be scalars or absent.
            return node.inputs.dropFirst().allSatisfy { $0.isEmpty || (graph.initializer($0)?.dims.isEmpty ?? false) }
        }
        return node.inputs.count == 2
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let input = node.inputs.first, let transpose = graph.producer(of: input), let order = TransposeOrder(transpose),
              let source = transpose.inputs.first, let output = node.outputs.first else { return .unchanged }
        var inputs = node.inputs
        inputs[0] = source
        var extra: [Node] = []
        if Self.binary.contains(node.opType) {
            let other = node.inputs[1]
            if let otherProducer = graph.producer(of: other), otherProducer.opType == "Transpose",
               TransposeOrder(otherProducer) == order, let otherSource = otherProducer.inputs.first {
                inputs[1] = otherSource
            } else if let constant = graph.initializer(other),
                      let permuted = order.inverse.permutingBroadcast(constant, name: "\(other)/for_\(output)") {
                extra.append(Node(opType: "Constant", name: permuted.name, inputs: [], outputs: [permuted.name],
                                  attributes: [Attribute(name: "value", value: .tensor(permuted))], metadata: node.metadata))
                inputs[1] = permuted.name
            } else {
                return .unchanged
            }
        }
        var moved = node
        moved.inputs = inputs
        return .replaced(by: extra + TransposeMove.below(moved, transpose))
    }
}

/// Pad(Transpose(x), pads) → Transpose(Pad(x, pads reordered)), for constant pads.
public struct PushTransposeThroughPad: Rule {
    public let name = "push_transpose_through_pad"
    public let opTypes: Set<String> = ["Pad"]

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        guard let input = node.inputs.first, graph.producer(of: input)?.opType == "Transpose", graph.consumerCount(of: input) == 1,
              node.inputs.count >= 2, graph.initializer(node.inputs[1]) != nil else { return false }
        // Pad's optional `axes` input (opset 18) would need reordering too.
        return node.inputs.count < 4 || node.inputs[3].isEmpty
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let transpose = graph.producer(of: node.inputs[0]), let order = TransposeOrder(transpose),
              let source = transpose.inputs.first, let output = node.outputs.first,
              let pads = graph.initializer(node.inputs[1]).flatMap({ try? $0.int64Values() }), pads.count == 2 * order.perm.count else { return .unchanged }
        let rank = order.perm.count
        var reordered = [Int64](repeating: 0, count: 2 * rank)
        for (i, axis) in order.perm.enumerated() {
            reordered[axis] = pads[i]
            reordered[rank + axis] = pads[rank + i]
        }
        let padsName = "\(node.inputs[1])/for_\(output)"
        let constant = TransposeMove.int64Constant(padsName, reordered, metadata: node.metadata)
        var moved = node
        moved.inputs[0] = source
        moved.inputs[1] = padsName
        return .replaced(by: [constant] + TransposeMove.below(moved, transpose))
    }
}

/// Slice(Transpose(x), starts, ends, axes) → Transpose(Slice(x, starts, ends, axes mapped back)): a crop
/// between two convolutions of a channels-last model (Keras's Cropping2D) then needs no transposes.
public struct PushTransposeThroughSlice: Rule {
    public let name = "push_transpose_through_slice"
    public let opTypes: Set<String> = ["Slice"]

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        guard let input = node.inputs.first, graph.producer(of: input)?.opType == "Transpose",
              graph.consumerCount(of: input) == 1, node.inputs.count >= 3 else { return false }
        return axes(node, graph) != nil
    }

    /// The sliced axes: the constant `axes` input, or 0… for as many as `starts` has; nil when unknown.
    private func axes(_ node: Node, _ graph: GraphView) -> [Int64]? {
        if node.inputs.count >= 4, !node.inputs[3].isEmpty {
            return graph.initializer(node.inputs[3]).flatMap { try? $0.int64Values() }
        }
        guard let starts = graph.initializer(node.inputs[1]), let count = starts.elementCount else { return nil }
        return (0..<Int64(count)).map { $0 }
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let transpose = graph.producer(of: node.inputs[0]), let order = TransposeOrder(transpose),
              let source = transpose.inputs.first, let output = node.outputs.first, let axes = axes(node, graph) else { return .unchanged }
        let rank = Int64(order.perm.count)
        let normalized = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard normalized.allSatisfy({ (0..<rank).contains($0) }) else { return .unchanged }
        let axesName = "\(node.inputs.count >= 4 && !node.inputs[3].isEmpty ? node.inputs[3] : "\(output)/axes")/for_\(output)"
        let constant = TransposeMove.int64Constant(axesName, normalized.map { Int64(order.perm[Int($0)]) }, metadata: node.metadata)
        var moved = node
        moved.inputs[0] = source
        if moved.inputs.count < 4 { moved.inputs.append(axesName) } else { moved.inputs[3] = axesName }
        return .replaced(by: [constant] + TransposeMove.below(moved, transpose))
    }
}

/// ReduceX(Transpose(x), axes) → ReduceX(x, axes mapped back), followed by a transpose of what is left only
/// when the kept axes change order (global pooling over the spatial axes of NHWC needs none).
public struct PushTransposeThroughReduce: Rule {
    public let name = "push_transpose_through_reduce"
    public let opTypes: Set<String> = ["ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd"]

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        guard let input = node.inputs.first, graph.producer(of: input)?.opType == "Transpose",
              graph.consumerCount(of: input) == 1 else { return false }
        return axes(node, graph) != nil
    }

    /// The reduced axes: the attribute, or (opset 18) a constant second input; nil when unknown or empty.
    private func axes(_ node: Node, _ graph: GraphView) -> [Int]? {
        if case .ints(let values)? = node.attribute("axes")?.value, !values.isEmpty { return values.map(Int.init) }
        if node.inputs.count >= 2, !node.inputs[1].isEmpty, let values = graph.initializer(node.inputs[1]).flatMap({ try? $0.int64Values() }),
           !values.isEmpty { return values.map(Int.init) }
        return nil
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let transpose = graph.producer(of: node.inputs[0]), let order = TransposeOrder(transpose),
              let source = transpose.inputs.first, let output = node.outputs.first, let raw = axes(node, graph) else { return .unchanged }
        let rank = order.perm.count
        let reduced = raw.map { $0 < 0 ? $0 + rank : $0 }
        guard reduced.allSatisfy({ (0..<rank).contains($0) }) else { return .unchanged }
        let mapped = reduced.map { order.perm[$0] }.sorted()
        var keepDims = true
        if case .int(let k)? = node.attribute("keepdims")?.value { keepDims = k != 0 }
        var moved = node
        moved.inputs[0] = source
        var extra: [Node] = []
        if node.attribute("axes") != nil {
            moved.attributes = node.attributes.map { $0.name == "axes" ? Attribute(name: "axes", value: .ints(mapped.map(Int64.init))) : $0 }
        } else {
            let axesName = "\(node.inputs[1])/for_\(output)"
            extra.append(TransposeMove.int64Constant(axesName, mapped.map(Int64.init), metadata: node.metadata))
            moved.inputs[1] = axesName
        }
        // The order in which the remaining axes come out, against the order they had.
        let kept = (0..<rank).filter { keepDims || !reduced.contains($0) }
        let sources = kept.map { order.perm[$0] }
        let remaining = sources.sorted()
        let perm = sources.map { remaining.firstIndex(of: $0) ?? 0 }
        if perm == Array(perm.indices) {
            return .replaced(by: extra + [moved])
        }
        return .replaced(by: extra + TransposeMove.below(moved, transpose, perm: perm))
    }
}

/// Concat(Transpose(a), Transpose(b)…, axis) → Transpose(Concat(a, b…, axis mapped back)) when every input
/// is transposed the same way (DenseNet's channel concatenations).
public struct PushTransposeThroughConcat: Rule {
    public let name = "push_transpose_through_concat"
    public let opTypes: Set<String> = ["Concat"]

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        sources(node, graph) != nil
    }

    /// The common order and the untransposed inputs, when every input is a single-use Transpose of it.
    private func sources(_ node: Node, _ graph: GraphView) -> (TransposeOrder, [String])? {
        var order: TransposeOrder?
        var sources: [String] = []
        for input in node.inputs {
            guard !input.isEmpty, let producer = graph.producer(of: input), let own = TransposeOrder(producer),
                  graph.consumerCount(of: input) == 1, !graph.isGraphOutput(input), let source = producer.inputs.first,
                  order == nil || order == own else { return nil }
            order = own
            sources.append(source)
        }
        guard let order, !sources.isEmpty else { return nil }
        return (order, sources)
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let (order, sources) = sources(node, graph), !node.outputs.isEmpty,
              case .int(let raw)? = node.attribute("axis")?.value, let transpose = graph.producer(of: node.inputs[0]) else { return .unchanged }
        let rank = order.perm.count
        let axis = raw < 0 ? Int(raw) + rank : Int(raw)
        guard (0..<rank).contains(axis) else { return .unchanged }
        var moved = node
        moved.inputs = sources
        moved.attributes = node.attributes.map { $0.name == "axis" ? Attribute(name: "axis", value: .int(Int64(order.perm[axis]))) : $0 }
        return .replaced(by: TransposeMove.below(moved, transpose))
    }
}

/// A Transpose read by several ops gets a copy of its own for each op that the push rules can move it
/// through (an op whose other inputs are constants or transposed alike), so residual branches, squeeze-and-
/// excitation blocks and the like do not pin it in place. A copy is only made where it will move on.
public struct CopySharedTranspose: Rule {
    public let name = "copy_shared_transpose"
    public var opTypes: Set<String> {
        PushTransposeThroughElementwise.unary.union(PushTransposeThroughElementwise.binary)
            .union(["Pad", "Slice", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd"])
    }

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        guard let input = node.inputs.first, let transpose = graph.producer(of: input), let order = TransposeOrder(transpose),
              graph.consumerCount(of: input) > 1 || graph.isGraphOutput(input),
              !node.inputs.dropFirst().contains(input) else { return false }
        return node.inputs.dropFirst().allSatisfy { other in
            other.isEmpty || graph.initializer(other) != nil
                || graph.producer(of: other).flatMap(TransposeOrder.init) == order
        }
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let input = node.inputs.first, let transpose = graph.producer(of: input), let output = node.outputs.first else { return .unchanged }
        let copyName = "\(input)/for_\(output)"
        let copy = Node(opType: "Transpose", name: transpose.name.isEmpty ? "" : "\(transpose.name)/for_\(output)",
                        inputs: transpose.inputs, outputs: [copyName], attributes: transpose.attributes, metadata: transpose.metadata)
        var reading = node
        reading.inputs[0] = copyName
        return .replaced(by: [copy, reading])
    }
}

/// Transpose(Reshape(x, shape)) → Reshape(x, shape permuted) when the transpose moves only axes of size 1
/// (the others keep their order), so the elements stay where they are. A squeeze-and-excitation block's
/// Reshape to [N, 1, 1, C] followed by the move to [N, C, 1, 1] is one Reshape then.
public struct FoldTransposeIntoReshape: Rule {
    public let name = "fold_transpose_into_reshape"
    public let opTypes: Set<String> = ["Transpose"]

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        guard let input = node.inputs.first, let reshape = graph.producer(of: input), reshape.opType == "Reshape",
              graph.consumerCount(of: input) == 1, !graph.isGraphOutput(input) else { return false }
        return true
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect {
        guard let input = node.inputs.first, let reshape = graph.producer(of: input), reshape.inputs.count == 2,
              let order = TransposeOrder(node), let output = node.outputs.first,
              let shape = graph.initializer(reshape.inputs[1]).flatMap({ try? $0.int64Values() }), shape.count == order.perm.count else {
            return .unchanged
        }
        if case .int(let allowZero)? = reshape.attribute("allowzero")?.value, allowZero != 0 { return .unchanged }
        // A 0 copies the input's size at the same index, so it may not move; the axes that are not 1 (or
        // may not be: -1 and 0) must keep their order.
        let kept = order.perm.filter { shape[$0] != 1 }
        guard kept == kept.sorted(), shape.indices.allSatisfy({ shape[$0] != 0 || order.perm[$0] == $0 }) else { return .unchanged }
        let permuted = order.perm.map { shape[$0] }
        let shapeName = "\(reshape.inputs[1])/for_\(output)"
        let constant = TransposeMove.int64Constant(shapeName, permuted, metadata: node.metadata)
        var folded = reshape
        folded.name = node.name
        folded.inputs[1] = shapeName
        folded.outputs = [output]
        return .replaced(by: [constant, folded])
    }
}

/// Removes nodes none of whose outputs is read or is a graph output (left behind by the rules above).
public struct RemoveUnusedNodes: Rule {
    public let name = "remove_unused_nodes"
    public let opTypes: Set<String> = ["Transpose", "Constant", "Identity", "Unsqueeze", "Reshape"]

    public init() {}

    public func matches(_ node: Node, in graph: GraphView) -> Bool {
        node.outputs.allSatisfy { $0.isEmpty || (graph.consumerCount(of: $0) == 0 && !graph.isGraphOutput($0)) }
    }

    public func apply(_ node: Node, in graph: GraphView) throws -> RuleEffect { .removed(forwarding: [:]) }
}

/// The last step of every push: `node` (already reading the untransposed values) writes to a new name, and
/// a transpose after it produces the node's old output. The transpose keeps the name (made unique) and the
/// provenance of the one it replaces.
enum TransposeMove {
    /// A Constant node holding int64 `values` (pads, axes, shapes the moves rewrite), output `name`.
    static func int64Constant(_ name: String, _ values: [Int64], metadata: [MetadataEntry]) -> Node {
        Node(opType: "Constant", name: name, inputs: [], outputs: [name],
             attributes: [Attribute(name: "value", value: .tensor(Tensor(
                 name: name, dataType: .int64, dims: [Int64(values.count)], raw: values.withUnsafeBytes { Data($0) })))],
             metadata: metadata)
    }

    static func below(_ node: Node, _ transpose: Node, perm: [Int]? = nil) -> [Node] {
        guard let output = node.outputs.first else { return [node] }
        var moved = node
        moved.outputs = ["\(output)/before_transpose"]
        let attributes = perm.map { [Attribute(name: "perm", value: .ints($0.map(Int64.init)))] } ?? transpose.attributes
        let after = Node(opType: "Transpose", name: transpose.name.isEmpty ? "" : "\(transpose.name)/moved",
                         inputs: moved.outputs, outputs: [output], attributes: attributes, metadata: transpose.metadata)
        return [moved, after]
    }
}

/// A Transpose node's `perm` (the reverse order when absent, as the spec says, needs the rank: not handled).
struct TransposeOrder: Equatable {
    let perm: [Int]

    init(perm: [Int]) { self.perm = perm }

    init?(_ node: Node) {
        guard node.opType == "Transpose", case .ints(let values)? = node.attribute("perm")?.value,
              Set(values) == Set(0..<Int64(values.count)) else { return nil }
        perm = values.map(Int.init)
    }

    var inverse: TransposeOrder {
        var inverse = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return TransposeOrder(perm: inverse)
    }

    /// `constant` (float32, broadcastable to this rank) with leading 1s added, transposed by this order.
    func permutingBroadcast(_ constant: Tensor, name: String) -> Tensor? {
        guard constant.dataType == .float, constant.dims.count <= perm.count, let values = try? constant.floatValues() else { return nil }
        let full = [Int](repeating: 1, count: perm.count - constant.dims.count) + constant.dims.map(Int.init)
        let outDims = perm.map { full[$0] }
        var inStrides = [Int](repeating: 1, count: full.count)
        for i in stride(from: full.count - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * full[i + 1] }
        var out = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: outDims.count)
        for k in 0..<values.count {
            var offset = 0
            for (axis, i) in index.enumerated() { offset += i * inStrides[perm[axis]] }
            out[k] = values[offset]
            var d = outDims.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outDims[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return Tensor(name: name, dims: outDims.map(Int64.init), floats: out)
    }
}
