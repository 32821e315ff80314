import CHDF5

/// A dataset's element type as stored in the file. Reading converts to the requested Swift type, so this
/// is for callers that care what the file held (e.g. to keep float16 weights as float16).
public enum HDF5ElementType: Sendable, Equatable {
    case float16, float32, float64
    case int(bits: Int, signed: Bool)
    /// h5py's bool: a 1-byte integer enum with the values 0 (FALSE) and 1 (TRUE).
    case bool
    /// Fixed or variable length.
    case string
    /// Anything else, named by its HDF5 class: `"compound"`, `"enum"`, `"float128"`, …
    case other(String)

    /// Classifies the datatype `type`. Lock held.
    init(type: hid_t) {
        let bits = H5Tget_size(type) * 8
        switch H5Tget_class(type) {
        case H5T_INTEGER:
            self = .int(bits: bits, signed: H5Tget_sign(type) == H5T_SGN_2)
        case H5T_FLOAT:
            switch bits {
            case 16: self = .float16
            case 32: self = .float32
            case 64: self = .float64
            default: self = .other("float\(bits)")
            }
        case H5T_STRING:
            self = .string
        case H5T_ENUM:
            self = Self.isBool(type) ? .bool : .other("enum")
        case let typeClass:
            self = .other(Self.className(typeClass))
        }
    }

    private static func isBool(_ type: hid_t) -> Bool {
        guard H5Tget_size(type) == 1, H5Tget_nmembers(type) == 2 else { return false }
        var values: [Int8] = [0, 0]
        for index in 0..<2 where H5Tget_member_value(type, UInt32(index), &values[index]) < 0 {
            return false
        }
        return values.sorted() == [0, 1]
    }

    static func className(_ typeClass: H5T_class_t) -> String {
        switch typeClass {
        case H5T_INTEGER: return "integer"
        case H5T_FLOAT: return "float"
        case H5T_STRING: return "string"
        case H5T_ENUM: return "enum"
        case H5T_TIME: return "time"
        case H5T_BITFIELD: return "bitfield"
        case H5T_OPAQUE: return "opaque"
        case H5T_COMPOUND: return "compound"
        case H5T_REFERENCE: return "reference"
        case H5T_VLEN: return "variable-length sequence"
        case H5T_ARRAY: return "array"
        default: return "unknown"
        }
    }
}
