import Foundation

/// A Swift type whose values an `NpyArray` holds directly, one per element (or, for `Float` and
/// `Double`, two per complex element: real then imaginary).
///
/// Loads and stores go through explicit little-endian conversions so the array bytes mean the same on
/// any host, whatever its own byte order.
public protocol NpyScalar: Sendable {
    /// The dtype an array of this type has.
    static var npyDType: NpyDType { get }
    /// Reads one value from the little-endian bytes at `offset` (which need not be aligned).
    static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Self
    /// Appends this value's little-endian bytes.
    func appendLittleEndian(to data: inout Data)
}

extension NpyScalar where Self: FixedWidthInteger {
    public static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Self {
        Self(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Self.self))
    }

    public func appendLittleEndian(to data: inout Data) {
        withUnsafeBytes(of: littleEndian) { data.append(contentsOf: $0) }
    }
}

extension Int8: NpyScalar { public static var npyDType: NpyDType { .int8 } }
extension Int16: NpyScalar { public static var npyDType: NpyDType { .int16 } }
extension Int32: NpyScalar { public static var npyDType: NpyDType { .int32 } }
extension Int64: NpyScalar { public static var npyDType: NpyDType { .int64 } }
extension UInt8: NpyScalar { public static var npyDType: NpyDType { .uint8 } }
extension UInt16: NpyScalar { public static var npyDType: NpyDType { .uint16 } }
extension UInt32: NpyScalar { public static var npyDType: NpyDType { .uint32 } }
extension UInt64: NpyScalar { public static var npyDType: NpyDType { .uint64 } }

extension Bool: NpyScalar {
    public static var npyDType: NpyDType { .bool }

    /// numpy reads any non-zero byte as True, so this does too.
    public static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        bytes.load(fromByteOffset: offset, as: UInt8.self) != 0
    }

    public func appendLittleEndian(to data: inout Data) {
        data.append(self ? 1 : 0)
    }
}

extension Float: NpyScalar {
    public static var npyDType: NpyDType { .float32 }

    public static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Float {
        Float(bitPattern: UInt32.load(littleEndian: bytes, at: offset))
    }

    public func appendLittleEndian(to data: inout Data) {
        bitPattern.appendLittleEndian(to: &data)
    }
}

extension Double: NpyScalar {
    public static var npyDType: NpyDType { .float64 }

    public static func load(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Double {
        Double(bitPattern: UInt64.load(littleEndian: bytes, at: offset))
    }

    public func appendLittleEndian(to data: inout Data) {
        bitPattern.appendLittleEndian(to: &data)
    }
}
