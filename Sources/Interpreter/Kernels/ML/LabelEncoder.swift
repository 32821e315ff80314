import ONNX

/// LabelEncoder (ai.onnx.ml 2, 4): maps each element of X through the table `keys_*[i] → values_*[i]`,
/// elements without a key giving the default. Keys and values are given by exactly one attribute each:
/// `keys_floats`/`keys_int64s`/`keys_strings` and `values_floats`/`values_int64s`/`values_strings`, and
/// from 4 also `keys_tensor`/`values_tensor` (any element type). The default is `default_tensor` (4)
/// or, by the values' type, `default_float` (−0.0), `default_int64` (−1) or `default_string`
/// ("_Unused"). X must be of the keys' kind (integer, floating or string); the output has X's shape and
/// the values' type. NaN keys match NaN elements.
/// - 1 (classes_strings, string ↔ index) is not implemented.
enum LabelEncoderKernels {
    static let registrations = KernelRegistration.versions("LabelEncoder", domain: MLFamily.domain, [2, 4]) { node in
        let keys = try LabelEncoderKernel.keys(node)
        let values = try LabelEncoderKernel.values(node)
        guard keys.count == values.count else {
            throw KernelError("\(keys.count) keys but \(values.count) values")
        }
        var table: [LabelKey: Int] = [:]
        for (i, key) in keys.enumerated() { table[key] = i }  // a repeated key keeps its last value, as in the reference
        let fallback = try LabelEncoderKernel.defaultValue(node, for: values)
        let withDefault = try ElementMoves.concatenate([values, fallback], shape: [values.count + 1])
        return LabelEncoderKernel(table: table, keyKind: keys.first?.kind, values: withDefault)
    }
}

/// A key of the table: integers and floating values are kept apart (int64 keys stay exact), NaN is one key.
enum LabelKey: Hashable, Sendable {
    case integer(Int64)
    case real(Double)
    case nan
    case text(String)

    /// Which X types the key can match: "string", "floating" or "integer".
    var kind: String {
        switch self {
        case .integer: return "integer"
        case .real, .nan: return "floating"
        case .text: return "string"
        }
    }

    /// The keys of a tensor's elements.
    static func keys(of tensor: TensorValue) throws -> [LabelKey] {
        if let strings = tensor.values(String.self) { return strings.map { .text($0) } }
        if ControlArgs.isFloating(tensor.dataType), let reals = tensor.doubles() {
            return reals.map { $0.isNaN ? .nan : .real($0) }
        }
        if let integers = tensor.int64s(), tensor.dataType != .bool { return integers.map { .integer($0) } }
        throw KernelError("keys of type \(tensor.dataType) are not supported")
    }
}

struct LabelEncoderKernel: Kernel {
    let table: [LabelKey: Int]
    /// The kind of the keys (nil for an empty table, which maps everything to the default).
    let keyKind: String?
    /// The values followed by the default.
    let values: TensorValue

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "X")
        let fallback = values.count - 1
        let keys = try LabelKey.keys(of: x)
        if let keyKind, let kind = keys.first?.kind, kind != keyKind {
            throw KernelError("X is \(x.dataType) but the keys are \(keyKind)")
        }
        let sources = keys.map { table[$0] ?? fallback }
        return [.tensor(ElementMoves.gather(values, indices: sources, shape: x.shape))]
    }

    static func keys(_ node: NodeContext) throws -> [LabelKey] {
        let given: [[LabelKey]] = [
            try node.floats("keys_floats")?.map { $0.isNaN ? .nan : .real(Double($0)) },
            try node.ints("keys_int64s")?.map { .integer(Int64($0)) },
            try node.strings("keys_strings")?.map { .text($0) },
            try node.opset >= 4 ? node.tensor("keys_tensor").map(LabelKey.keys) : nil,
        ].compactMap { $0 }
        guard given.count == 1, let keys = given.first else {
            throw KernelError("exactly one keys_* attribute is required, got \(given.count)")
        }
        return keys
    }

    static func values(_ node: NodeContext) throws -> TensorValue {
        let given: [TensorValue] = [
            try node.floats("values_floats").map { TensorValue(shape: [$0.count], values: $0) },
            try node.ints("values_int64s").map { TensorValue(shape: [$0.count], values: $0.map(Int64.init)) },
            try node.strings("values_strings").map { TensorValue(shape: [$0.count], values: $0) },
            try node.opset >= 4 ? node.tensor("values_tensor") : nil,
        ].compactMap { $0 }
        guard given.count == 1, var values = given.first else {
            throw KernelError("exactly one values_* attribute is required, got \(given.count)")
        }
        values.shape = [values.count]
        return values
    }

    /// The one-element default, in the values' type.
    static func defaultValue(_ node: NodeContext, for values: TensorValue) throws -> TensorValue {
        if node.opset >= 4, var given = try node.tensor("default_tensor") {
            guard given.count == 1, given.dataType == values.dataType else {
                throw KernelError("default_tensor must hold one \(values.dataType), got \(given.dataType)\(given.shape)")
            }
            given.shape = [1]
            return given
        }
        let fallback: TensorValue
        if values.dataType == .string {
            fallback = TensorValue(shape: [1], values: [try node.string("default_string", default: "_Unused")])
        } else if ControlArgs.isFloating(values.dataType) {
            fallback = TensorValue(shape: [1], values: [try node.float("default_float", default: -0.0)])
        } else {
            fallback = TensorValue(shape: [1], values: [Int64(try node.int("default_int64", default: -1))])
        }
        return try CastConversion.cast(fallback, to: values.dataType, saturate: true, roundMode: "up")
    }
}
