/// The numeric element types this module reads and writes, named as numpy names them.
///
/// Array data in memory is always little-endian, so `descr` is the little-endian spelling that
/// `NpyFile.encode` writes; `parse(descr:)` accepts either byte order when reading.
public enum NpyDType: String, Sendable, CaseIterable, CustomStringConvertible {
    case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64
    case float16, float32, float64, complex64, complex128

    /// Bytes per element (a complex element is two floats).
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64, .complex64: return 8
        case .complex128: return 16
        }
    }

    /// Bytes of the unit a byte-order change reverses: complex values swap each float on its own.
    var swapUnit: Int {
        isComplex ? itemSize / 2 : itemSize
    }

    public var isComplex: Bool { self == .complex64 || self == .complex128 }

    /// numpy's type character: b(ool), i(nt), u(nsigned), f(loat), c(omplex).
    var kind: Character {
        switch self {
        case .bool: return "b"
        case .int8, .int16, .int32, .int64: return "i"
        case .uint8, .uint16, .uint32, .uint64: return "u"
        case .float16, .float32, .float64: return "f"
        case .complex64, .complex128: return "c"
        }
    }

    /// The descr numpy writes for this type in little-endian order: `<f4`, and `|b1` / `|i1` / `|u1`
    /// for single bytes, which have no byte order.
    public var descr: String {
        (itemSize == 1 ? "|" : "<") + String(kind) + String(itemSize)
    }

    public var description: String { rawValue }

    /// Reads a descr such as `<f4`, `>c16`, `|b1` or `=i8`. Returns nil for anything else (`<U10`, `|O`,
    /// `<M8[ns]`, …). A missing or `=` byte-order mark means native order, as in numpy; every platform
    /// Swift runs this on is little-endian.
    public static func parse(descr: String) -> (dtype: NpyDType, isBigEndian: Bool)? {
        var rest = Substring(descr)
        var isBigEndian = false
        if let mark = rest.first, "<>|=".contains(mark) {
            isBigEndian = mark == ">"
            rest = rest.dropFirst()
        }
        let digits = rest.dropFirst()
        guard let kind = rest.first, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let size = Int(digits) else { return nil }
        guard let dtype = allCases.first(where: { $0.kind == kind && $0.itemSize == size }) else {
            return nil
        }
        return (dtype, isBigEndian && dtype.itemSize > 1)
    }

    /// For error messages: what `parse(descr:)` accepts.
    static var supportedList: String {
        allCases.map { String($0.kind) + String($0.itemSize) }.joined(separator: " ")
            + ", either byte order"
    }
}
