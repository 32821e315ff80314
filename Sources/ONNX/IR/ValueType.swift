/// The type of a graph value (`TypeProto`): tensors, sparse tensors, sequences, maps, optionals, opaque.
public struct ValueType: Equatable, Sendable, CustomStringConvertible {
    public indirect enum Kind: Equatable, Sendable {
        /// `elementType` nil: the field was absent; `shape` nil: rank unknown.
        case tensor(elementType: DataType?, shape: TensorShape?)
        case sparseTensor(elementType: DataType?, shape: TensorShape?)
        case sequence(ValueType?)
        case map(keyType: DataType?, valueType: ValueType?)
        case optional(ValueType?)
        case opaque(domain: String?, name: String?)
        /// A `TypeProto` with none of its alternatives set.
        case unset
    }

    public var kind: Kind
    public var denotation: String?

    public init(_ kind: Kind, denotation: String? = nil) {
        self.kind = kind
        self.denotation = denotation
    }

    public static func tensor(_ elementType: DataType, _ shape: TensorShape?) -> ValueType {
        ValueType(.tensor(elementType: elementType, shape: shape))
    }

    /// The element type and shape when this is a dense tensor type.
    public var tensorType: (elementType: DataType?, shape: TensorShape?)? {
        if case .tensor(let elementType, let shape) = kind { return (elementType, shape) }
        return nil
    }

    public var description: String {
        switch kind {
        case .tensor(let t, let shape):
            return "\(t.map(\.description) ?? "?")\(shape.map(\.description) ?? "[…]")"
        case .sparseTensor(let t, let shape):
            return "sparse \(t.map(\.description) ?? "?")\(shape.map(\.description) ?? "[…]")"
        case .sequence(let element): return "sequence<\(element.map(\.description) ?? "?")>"
        case .map(let key, let value):
            return "map<\(key.map(\.description) ?? "?"), \(value.map(\.description) ?? "?")>"
        case .optional(let element): return "optional<\(element.map(\.description) ?? "?")>"
        case .opaque(let domain, let name): return "opaque<\(domain ?? "").\(name ?? "")>"
        case .unset: return "?"
        }
    }
}

/// A named, typed value of a graph (`ValueInfoProto`): graph inputs, outputs and value_info entries.
public struct Value: Equatable, Sendable {
    @Presence public var name: String
    public var type: ValueType?
    public var docString: String?
    public var metadata: [MetadataEntry]

    public init(name: String?, type: ValueType? = nil, docString: String? = nil, metadata: [MetadataEntry] = []) {
        _name = Presence(name)
        self.type = type
        self.docString = docString
        self.metadata = metadata
    }
}
