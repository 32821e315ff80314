import Foundation

/// The header of a `.npy` file:
///
///     \x93NUMPY <major> <minor> <header length, LE u16 (v1) or u32 (v2, v3)>
///     {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }<spaces>\n
///     <data>
///
/// numpy pads the text with spaces so the data starts at a multiple of 64 bytes; `framed(version:)`
/// reproduces numpy's bytes exactly, so a file we write is byte-identical to `np.save`'s.
struct NpyHeader: Equatable {
    var dtype: NpyDType
    var isBigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]

    static let magic: [UInt8] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]
    /// numpy's `ARRAY_ALIGN`: data starts at a multiple of this many bytes.
    static let alignment = 64
    /// numpy's `GROWTH_AXIS_MAX_DIGITS`: room left to rewrite the first dimension in place.
    static let growthDigits = 21

    /// A header describing `array` as stored: little-endian, C order.
    init(for array: NpyArray) {
        self.init(dtype: array.dtype, isBigEndian: false, fortranOrder: false, shape: array.shape)
    }

    init(dtype: NpyDType, isBigEndian: Bool, fortranOrder: Bool, shape: [Int]) {
        self.dtype = dtype
        self.isBigEndian = isBigEndian
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// Interprets the header dict. numpy requires exactly these three keys, and so does this.
    init(text: String, source: String) throws(NumPyError) {
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch {
            throw NumPyError(source: source, reason: .malformedHeader(error.message))
        }
        guard case .dict(let entries) = literal else {
            throw NumPyError(source: source, reason: .malformedHeader("header is not a dict"))
        }
        guard Set(entries.keys) == ["descr", "fortran_order", "shape"] else {
            let keys = entries.keys.sorted().joined(separator: ", ")
            throw NumPyError(source: source, reason: .malformedHeader(
                "keys are [\(keys)], expected [descr, fortran_order, shape]"))
        }
        (dtype, isBigEndian) = try Self.dtype(from: entries["descr"], source: source)
        guard case .boolean(let fortran) = entries["fortran_order"] else {
            throw NumPyError(source: source, reason: .malformedHeader("fortran_order is not True or False"))
        }
        fortranOrder = fortran
        shape = try Self.shape(from: entries["shape"], source: source)
    }

    private static func dtype(from literal: PythonLiteral?, source: String)
        throws(NumPyError) -> (NpyDType, Bool)
    {
        guard case .string(let descr) = literal else {
            // A list descr is a structured (record) dtype.
            throw NumPyError(source: source, reason: .unsupportedDType(literal.map(\.description) ?? ""))
        }
        guard let parsed = NpyDType.parse(descr: descr) else {
            throw NumPyError(source: source, reason: .unsupportedDType(descr))
        }
        return (parsed.dtype, parsed.isBigEndian)
    }

    private static func shape(from literal: PythonLiteral?, source: String) throws(NumPyError) -> [Int] {
        guard case .tuple(let items) = literal else {
            throw NumPyError(source: source, reason: .malformedHeader("shape is not a tuple"))
        }
        var shape: [Int] = []
        for item in items {
            guard case .integer(let dimension) = item, dimension >= 0 else {
                throw NumPyError(source: source, reason: .malformedHeader(
                    "shape \(PythonLiteral.tuple(items)) has a non-integer or negative dimension"))
            }
            shape.append(dimension)
        }
        return shape
    }

    /// The dict exactly as numpy's `_write_array_header` spells it, growth padding included.
    var text: String {
        let dims = shape.map(String.init)
        let shapeText = dims.count == 1 ? "(\(dims.joined()),)" : "(" + dims.joined(separator: ", ") + ")"
        let descr = isBigEndian && dtype.itemSize > 1 ? ">" + dtype.descr.dropFirst() : dtype.descr
        let dict = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), "
            + "'shape': \(shapeText), }"
        let growthAxis = fortranOrder ? shape.last : shape.first
        let growth = growthAxis.map { max(0, Self.growthDigits - String($0).count) } ?? 0
        return dict + String(repeating: " ", count: growth)
    }

    /// Magic, version, length and padded text, or nil if the text is too long for `version`.
    func framed(version: NpyFormatVersion) -> Data? {
        let body = Array(text.utf8)  // ASCII: descr and numbers only, so latin-1 and UTF-8 agree
        let unpadded = version.preambleSize + body.count + 1
        let padding = Self.alignment - unpadded % Self.alignment
        let headerLength = body.count + padding + 1
        guard headerLength <= version.maxHeaderLength else { return nil }
        var bytes = Data(Self.magic + [version.major, 0])
        for shift in stride(from: 0, to: version.lengthFieldSize * 8, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: headerLength >> shift))
        }
        bytes.append(contentsOf: body)
        bytes.append(contentsOf: [UInt8](repeating: 0x20, count: padding))
        bytes.append(0x0a)
        return bytes
    }
}
