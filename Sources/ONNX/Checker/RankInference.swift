/// The rank of values in a graph, where it follows from declarations and a few ops: enough for the
/// checker to tell whether an axis attribute fits its input. Declared ranks (inputs, initializers,
/// value_info, outputs) come first; then ranks flow through the ops whose output rank needs no values:
/// elementwise and same-rank ops, broadcasting ops, MatMul, Gemm, Flatten, Transpose, Reshape by a
/// constant shape. Anything else is unknown (nil), and rank-dependent rules are then skipped.
struct RankInference {
    private(set) var ranks: [String: Int] = [:]

    /// Ops whose output has the rank of their first input.
    static let sameRank: Set<String> = [
        "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "Tanh", "Elu", "Selu", "Celu", "Gelu", "Softplus",
        "Softsign", "HardSwish", "Mish", "Swish", "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Erf", "Floor",
        "Ceil", "Round", "Sign", "Sin", "Cos", "Identity", "Cast", "CastLike", "Clip", "Dropout", "Softmax",
        "LogSoftmax", "Hardmax", "Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool", "GlobalAveragePool",
        "GlobalMaxPool", "GlobalLpPool", "BatchNormalization", "InstanceNormalization", "LayerNormalization",
        "GroupNormalization", "RMSNormalization", "LRN", "LpNormalization", "Pad", "Slice", "Resize", "Upsample",
        "Tile", "DepthToSpace", "SpaceToDepth", "Concat", "Split", "CumSum", "Not", "IsNaN", "IsInf",
        "Shrink", "ThresholdedRelu", "Trilu", "ReverseSequence", "GatherElements", "ScatterElements", "ScatterND",
    ]
    /// Ops whose output has the largest rank of their inputs (numpy broadcasting).
    static let broadcasting: Set<String> = [
        "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Mean", "Sum", "Equal", "Less", "LessOrEqual",
        "Greater", "GreaterOrEqual", "And", "Or", "Xor", "Where", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
    ]

    init(_ graph: Graph, outer: [String: Int] = [:]) {
        ranks = outer
        for value in graph.inputs + graph.valueInfo + graph.outputs {
            if let rank = value.type?.tensorType?.shape?.rank { ranks[value.name] = rank }
        }
        var constants: [String: Tensor] = [:]
        for tensor in graph.initializers {
            ranks[tensor.name] = tensor.dims.count
            constants[tensor.name] = tensor
        }
        for node in graph.nodes {
            for (output, rank) in zip(node.outputs, outputRanks(node, constants: constants)) where !output.isEmpty {
                if let rank, ranks[output] == nil { ranks[output] = rank }
            }
            if node.opType == "Constant", let output = node.outputs.first,
               case .tensor(let tensor)? = node.attribute("value")?.value {
                constants[output] = tensor
                ranks[output] = tensor.dims.count
            }
        }
    }

    func rank(_ name: String) -> Int? { ranks[name] }

    private func outputRanks(_ node: Node, constants: [String: Tensor]) -> [Int?] {
        guard OpSchemaRegistry.canonicalDomain(node.domain).isEmpty else { return [] }
        let inputs = node.inputs.map { $0.isEmpty ? nil : ranks[$0] }
        let first = inputs.first ?? nil
        switch node.opType {
        case "Split":
            return node.outputs.map { _ in first }
        case let op where Self.sameRank.contains(op):
            // Only the first output: BatchNormalization's running statistics, say, have rank 1.
            return [first]
        case let op where Self.broadcasting.contains(op):
            let known = inputs.compactMap { $0 }
            return [known.count == inputs.count ? known.max() : nil]
        case "MatMul":
            guard inputs.count == 2, let a = inputs[0], let b = inputs[1] else { return [nil] }
            return [a == 1 || b == 1 ? max(a, b) - 1 : max(a, b)]
        case "Gemm", "Flatten":
            return [2]
        case "Transpose":
            if case .ints(let perm)? = node.attribute("perm")?.value { return [perm.count] }
            return [first]
        case "Reshape":
            guard node.inputs.count > 1, let shape = constants[node.inputs[1]], shape.dims.count == 1 else { return [nil] }
            return [Int(shape.dims[0])]
        case "Shape":
            return [1]
        default:
            return node.outputs.map { _ in nil }
        }
    }
}
