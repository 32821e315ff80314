/// What an attribute's value must be beyond its type, for the ops whose runtimes crash, loop or allocate
/// without bound on such values: a `perm` that is no permutation, a stride or kernel size of 0, negative
/// pads, an axis beyond the input's rank, a NaN epsilon. onnx's own checker leaves most of these to
/// shape inference; a converter's output must not carry them at all.
///
/// The rules are data, one table keyed by op type (ai.onnx domain), checked in every opset: where an
/// attribute exists, its meaning has not changed across versions.
public enum AttributeRule: Sendable, Equatable {
    /// Every integer ≥ 1 (strides, kernel sizes, dilations, group, block size, hidden size).
    case positive
    /// Every integer ≥ 0 (pads of convolutions and pooling, output padding).
    case nonNegative
    /// The integers are a permutation of 0..<count, and count is the input's rank when it is known.
    case permutation
    /// One axis in [-rank, rank) of the first input, when its rank is known.
    case axis
    /// Each of several axes in [-rank, rank) of the first input, no axis twice.
    case axes
    /// A finite float ≥ 0 (epsilon).
    case finiteNonNegative
    /// A finite float.
    case finite
}

public enum AttributeSemantics {
    /// Convolution-like ops share their window attributes.
    private static let window: [(String, AttributeRule)] = [
        ("kernel_shape", .positive), ("strides", .positive), ("dilations", .positive), ("pads", .nonNegative),
    ]
    private static let epsilon: [(String, AttributeRule)] = [("epsilon", .finiteNonNegative)]

    /// The rules by op type.
    public static let rules: [String: [(attribute: String, rule: AttributeRule)]] = {
        var table: [String: [(attribute: String, rule: AttributeRule)]] = [:]
        func add(_ ops: [String], _ rules: [(String, AttributeRule)]) {
            for op in ops { table[op, default: []] += rules.map { (attribute: $0.0, rule: $0.1) } }
        }
        add(["Transpose"], [("perm", .permutation)])
        add(["Conv", "ConvInteger", "QLinearConv", "DeformConv"], window + [("group", .positive)])
        add(["ConvTranspose"], window + [("group", .positive), ("output_padding", .nonNegative), ("output_shape", .nonNegative)])
        add(["MaxPool", "AveragePool", "LpPool", "MaxUnpool", "Col2Im"], window)
        add(["BatchNormalization"], epsilon + [("momentum", .finite)])
        add(["InstanceNormalization"], epsilon)
        add(["GroupNormalization"], epsilon + [("num_groups", .positive)])
        add(["LayerNormalization", "RMSNormalization"], epsilon + [("axis", .axis)])
        // Flatten (axis may equal the rank) and OneHot (an axis of the output) have other ranges.
        add(["Softmax", "LogSoftmax", "Hardmax", "Concat", "Gather", "GatherElements", "ArgMax", "ArgMin",
             "Compress", "Split", "TopK", "LpNormalization"], [("axis", .axis)])
        add(["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
             "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "Squeeze"], [("axes", .axes)])
        add(["DepthToSpace", "SpaceToDepth"], [("blocksize", .positive)])
        add(["LRN"], [("size", .positive), ("alpha", .finite), ("beta", .finite), ("bias", .finite)])
        add(["RNN", "GRU", "LSTM"], [("hidden_size", .positive)])
        add(["GlobalLpPool"], [("p", .positive)])
        return table
    }()

    /// Problems with `node`'s attribute values; `rank` gives the rank of a value when it is known.
    public static func problems(_ node: Node, rank: (String) -> Int?) -> [String] {
        guard OpSchemaRegistry.canonicalDomain(node.domain).isEmpty, let rules = rules[node.opType] else { return [] }
        let inputRank = node.inputs.first.flatMap { $0.isEmpty ? nil : rank($0) }
        var found: [String] = []
        for (name, rule) in rules {
            guard let attribute = node.attribute(name), attribute.referenceName == nil else { continue }
            if let problem = check(attribute, rule, inputRank: inputRank) { found.append("attribute '\(name)' \(problem)") }
        }
        return found
    }

    private static func check(_ attribute: Attribute, _ rule: AttributeRule, inputRank: Int?) -> String? {
        switch (rule, attribute.value) {
        case (.positive, .int(let v)): return v >= 1 ? nil : "is \(v); it must be at least 1"
        case (.positive, .ints(let vs)):
            return vs.first { $0 < 1 }.map { "holds \($0) in \(vs); every value must be at least 1" }
        case (.nonNegative, .int(let v)): return v >= 0 ? nil : "is \(v); it must not be negative"
        case (.nonNegative, .ints(let vs)):
            return vs.first { $0 < 0 }.map { "holds \($0) in \(vs); no value may be negative" }
        case (.permutation, .ints(let vs)):
            if Set(vs) != Set(0..<Int64(vs.count)) { return "is \(vs), not a permutation of 0..<\(vs.count)" }
            if let inputRank, inputRank != vs.count { return "has \(vs.count) axes for an input of rank \(inputRank)" }
            return nil
        case (.axis, .int(let v)):
            guard let inputRank else { return nil }
            return (-Int64(inputRank)..<Int64(max(inputRank, 1))).contains(v) ? nil : "is \(v), outside [-\(inputRank), \(inputRank)) for an input of rank \(inputRank)"
        case (.axes, .ints(let vs)):
            if Set(vs.map { $0 < 0 ? $0 + Int64(inputRank ?? 0) : $0 }).count != vs.count, inputRank != nil {
                return "is \(vs): an axis appears twice"
            }
            guard let inputRank else { return nil }
            return vs.first { !(-Int64(inputRank)..<Int64(inputRank)).contains($0) }
                .map { "holds \($0), outside [-\(inputRank), \(inputRank)) for an input of rank \(inputRank)" }
        case (.finiteNonNegative, .float(let v)):
            return v.isFinite && v >= 0 ? nil : "is \(v); it must be a finite number ≥ 0"
        case (.finite, .float(let v)):
            return v.isFinite ? nil : "is \(v); it must be finite"
        default:
            // A type other than the schema's is reported by the type check.
            return nil
        }
    }
}
