/// The kinds of attribute value ONNX knows (`AttributeProto.AttributeType`).
public enum AttributeType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case undefined = 0
    case float = 1
    case int = 2
    case string = 3
    case tensor = 4
    case graph = 5
    case floats = 6
    case ints = 7
    case strings = 8
    case tensors = 9
    case graphs = 10
    case sparseTensor = 11
    case sparseTensors = 12
    case typeProto = 13
    case typeProtos = 14

    /// The upper-case spelling used by onnx.proto and its schemas (`INTS`, `SPARSE_TENSOR`).
    public var description: String {
        switch self {
        case .undefined: return "UNDEFINED"
        case .float: return "FLOAT"
        case .int: return "INT"
        case .string: return "STRING"
        case .tensor: return "TENSOR"
        case .graph: return "GRAPH"
        case .floats: return "FLOATS"
        case .ints: return "INTS"
        case .strings: return "STRINGS"
        case .tensors: return "TENSORS"
        case .graphs: return "GRAPHS"
        case .sparseTensor: return "SPARSE_TENSOR"
        case .sparseTensors: return "SPARSE_TENSORS"
        case .typeProto: return "TYPE_PROTO"
        case .typeProtos: return "TYPE_PROTOS"
        }
    }
}
