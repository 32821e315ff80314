import Foundation

/// A node attribute (`AttributeProto`).
public struct Attribute: Equatable, Sendable {
    public indirect enum Value: Equatable, Sendable {
        case float(Float)
        case int(Int64)
        /// Attribute strings are bytes in ONNX (usually UTF-8); `stringValue` decodes them.
        case string(Data)
        case tensor(Tensor)
        case graph(Graph)
        case sparseTensor(SparseTensor)
        case typeProto(ValueType)
        case floats([Float])
        case ints([Int64])
        case strings([Data])
        case tensors([Tensor])
        case graphs([Graph])
        case sparseTensors([SparseTensor])
        case typeProtos([ValueType])
        /// The declared type's value field is absent (as in a function's reference attribute).
        case absent(AttributeType)

        public var type: AttributeType {
            switch self {
            case .float: return .float
            case .int: return .int
            case .string: return .string
            case .tensor: return .tensor
            case .graph: return .graph
            case .sparseTensor: return .sparseTensor
            case .typeProto: return .typeProto
            case .floats: return .floats
            case .ints: return .ints
            case .strings: return .strings
            case .tensors: return .tensors
            case .graphs: return .graphs
            case .sparseTensors: return .sparseTensors
            case .typeProtos: return .typeProtos
            case .absent(let type): return type
            }
        }
    }

    @Presence public var name: String
    public var value: Value
    /// Whether the message carried its `type` discriminator (every IR ≥ 2 writer sets it).
    public var declaresType: Bool
    /// Set in a function body: the attribute takes the value of the caller's attribute of this name.
    public var referenceName: String?
    public var docString: String?

    public init(name: String?, value: Value, declaresType: Bool = true, referenceName: String? = nil, docString: String? = nil) {
        _name = Presence(name)
        self.value = value
        self.declaresType = declaresType
        self.referenceName = referenceName
        self.docString = docString
    }

    public var type: AttributeType { value.type }

    public var intValue: Int64? { if case .int(let v) = value { return v }; return nil }
    public var floatValue: Float? { if case .float(let v) = value { return v }; return nil }
    public var intsValue: [Int64]? { if case .ints(let v) = value { return v }; return nil }
    public var floatsValue: [Float]? { if case .floats(let v) = value { return v }; return nil }
    public var tensorValue: Tensor? { if case .tensor(let v) = value { return v }; return nil }
    public var graphValue: Graph? { if case .graph(let v) = value { return v }; return nil }
    public var stringValue: String? {
        if case .string(let bytes) = value { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
}
