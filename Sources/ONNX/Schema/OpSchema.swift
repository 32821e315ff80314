/// One version of one ONNX operator, as the onnx package's schema registry defines it.
///
/// A schema is valid from `sinceVersion` up to (not including) the next since-version of the same op;
/// `OpSchemaRegistry.schema(domain:opType:opset:)` does that resolution. The table of all schemas is
/// generated from the onnx package (`OpSchemaTable.generated.swift`), so these types carry only what the
/// checker, the interpreter's dispatch and opset conversion read — no docs, no inference functions.
public struct OpSchema: Sendable, Hashable {
    /// `""` for the default domain (ai.onnx), else e.g. `"ai.onnx.ml"`
    /// (see `OpSchemaRegistry.canonicalDomain`).
    public let domain: String
    public let name: String
    public let sinceVersion: Int
    /// onnx marks an op as removed by registering a deprecated schema at the opset that removed it
    /// (Upsample 10, Scatter 11), so a deprecated schema means "not usable from this opset on".
    public let deprecated: Bool
    public let attributes: [AttributeSchema]
    public let inputs: [FormalParameter]
    public let outputs: [FormalParameter]
    /// Counts of node inputs/outputs, variadic parameters expanded; `Int.max` means unbounded.
    /// Kept beside `inputs` because onnx states them separately (an op may also constrain them further).
    public let minInputs: Int
    public let maxInputs: Int
    public let minOutputs: Int
    public let maxOutputs: Int
    public let typeConstraints: [TypeConstraint]

    public init(
        domain: String, name: String, sinceVersion: Int, deprecated: Bool = false,
        attributes: [AttributeSchema], inputs: [FormalParameter], outputs: [FormalParameter],
        minInputs: Int, maxInputs: Int, minOutputs: Int, maxOutputs: Int,
        typeConstraints: [TypeConstraint] = []
    ) {
        self.domain = domain
        self.name = name
        self.sinceVersion = sinceVersion
        self.deprecated = deprecated
        self.attributes = attributes
        self.inputs = inputs
        self.outputs = outputs
        self.minInputs = minInputs
        self.maxInputs = maxInputs
        self.minOutputs = minOutputs
        self.maxOutputs = maxOutputs
        self.typeConstraints = typeConstraints
    }

    /// The attribute of that name, or nil when this version of the op does not define it.
    public func attribute(named name: String) -> AttributeSchema? {
        attributes.first { $0.name == name }
    }

    /// Attributes a node must carry (e.g. `Cast.to`).
    public var requiredAttributes: [AttributeSchema] {
        attributes.filter(\.required)
    }

    public var inputCountRange: ClosedRange<Int> { minInputs...maxInputs }
    public var outputCountRange: ClosedRange<Int> { minOutputs...maxOutputs }

    /// The allowed types of a type parameter such as `"T"`, or nil if the schema does not declare it.
    public func allowedTypes(for typeParameter: String) -> [String]? {
        typeConstraints.first { $0.typeParameter == typeParameter }?.allowedTypes
    }
}

/// An attribute an op version declares.
public struct AttributeSchema: Sendable, Hashable {
    public let name: String
    public let type: AttributeType
    public let required: Bool
    /// The value used when a node omits the attribute. nil both for required attributes and for optional
    /// ones whose absence has its own meaning (Conv `kernel_shape`: "infer from W").
    public let defaultValue: DefaultValue?

    public init(name: String, type: AttributeType, required: Bool, defaultValue: DefaultValue? = nil) {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
    }

    public var hasDefault: Bool { defaultValue != nil }

    /// The kinds of default onnx schemas use. Kept to these cases (checked by the generator) so that
    /// attribute decoding can take its defaults from the schema without a tensor/graph dependency here.
    public enum DefaultValue: Sendable, Hashable {
        case int(Int64)
        case float(Float)
        case string(String)
        case ints([Int64])
        case floats([Float])
        case strings([String])
    }
}

/// A declared input or output of an op version.
public struct FormalParameter: Sendable, Hashable {
    public enum Option: Sendable, Hashable {
        case single
        case optional
        case variadic
    }

    public let name: String
    /// A type parameter (`"T"`) or a fixed type (`"tensor(int64)"`).
    public let typeString: String
    public let option: Option
    /// Only meaningful for variadic parameters: whether all values bound to it share one type
    /// (false for e.g. `Loop`'s `v_initial`, which carries differently typed loop state).
    public let isHomogeneous: Bool
    /// Only meaningful for variadic parameters: the fewest values it takes (0 for `Loop`'s `v_initial`).
    public let minArity: Int

    public init(
        name: String, typeString: String, option: Option, isHomogeneous: Bool = true, minArity: Int = 1
    ) {
        self.name = name
        self.typeString = typeString
        self.option = option
        self.isHomogeneous = isHomogeneous
        self.minArity = minArity
    }
}

/// The types a type parameter of an op version may be bound to, spelled as onnx spells them
/// (`"tensor(float)"`, `"seq(tensor(int64))"`, `"optional(tensor(bool))"`).
public struct TypeConstraint: Sendable, Hashable {
    public let typeParameter: String
    public let allowedTypes: [String]

    public init(typeParameter: String, allowedTypes: [String]) {
        self.typeParameter = typeParameter
        self.allowedTypes = allowedTypes
    }
}
