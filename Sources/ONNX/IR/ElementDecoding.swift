import Foundation

/// Decoding of raw little-endian element bytes into Swift numbers.
enum ElementDecoding {
    static func floats(from raw: Data, dataType: DataType, tensor: String) throws -> [Float] {
        switch dataType {
        case .float: return try load(raw, as: UInt32.self, tensor: tensor).map { Float(bitPattern: $0) }
        case .double: return try load(raw, as: UInt64.self, tensor: tensor).map { Float(Double(bitPattern: $0)) }
        case .float16: return try load(raw, as: UInt16.self, tensor: tensor).map(HalfPrecision.float16ToFloat)
        case .bfloat16: return try load(raw, as: UInt16.self, tensor: tensor).map { Float(bitPattern: UInt32($0) << 16) }
        default:
            return try int64s(from: raw, dataType: dataType, tensor: tensor).map { Float($0) }
        }
    }

    static func int64s(from raw: Data, dataType: DataType, tensor: String) throws -> [Int64] {
        switch dataType {
        case .int64: return try load(raw, as: Int64.self, tensor: tensor)
        case .uint64: return try load(raw, as: UInt64.self, tensor: tensor).map { Int64(truncatingIfNeeded: $0) }
        case .int32: return try load(raw, as: Int32.self, tensor: tensor).map(Int64.init)
        case .uint32: return try load(raw, as: UInt32.self, tensor: tensor).map(Int64.init)
        case .int16: return try load(raw, as: Int16.self, tensor: tensor).map(Int64.init)
        case .uint16: return try load(raw, as: UInt16.self, tensor: tensor).map(Int64.init)
        case .int8: return raw.map { Int64(Int8(bitPattern: $0)) }
        case .uint8, .bool: return raw.map(Int64.init)
        default:
            throw TensorDataError(tensor: tensor, reason: "cannot read \(dataType) elements as integers")
        }
    }

    static func load<T: FixedWidthInteger>(_ raw: Data, as type: T.Type, tensor: String) throws -> [T] {
        let size = MemoryLayout<T>.size
        guard raw.count % size == 0 else {
            throw TensorDataError(tensor: tensor, reason: "\(raw.count) bytes is not a whole number of \(size)-byte elements")
        }
        return raw.withUnsafeBytes { buffer in
            (0..<(raw.count / size)).map { T(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }
}

/// IEEE 754 half precision ↔ single precision, done in integer arithmetic so it is exact on every platform.
public enum HalfPrecision {
    public static func float16ToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int32((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Subnormal (or zero): value = mantissa · 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }
}

extension HalfPrecision {
    /// Float → IEEE half, rounding to nearest even; overflow gives ±infinity, NaN stays NaN.
    public static func floatToFloat16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        var mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            return sign | 0x7C00 | (mantissa != 0 ? 0x200 | UInt16(mantissa >> 13) : 0)
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1F { return sign | 0x7C00 }
        if halfExponent <= 0 {
            // Subnormal half (or zero): shift the full significand into place, rounding to nearest even.
            guard halfExponent >= -10 else { return sign }
            mantissa |= 0x80_0000
            let shift = UInt32(14 - halfExponent)
            let halfMantissa = mantissa >> shift
            let remainder = mantissa & ((1 << shift) - 1)
            let halfway: UInt32 = 1 << (shift - 1)
            let roundUp = remainder > halfway || (remainder == halfway && halfMantissa & 1 == 1)
            return sign | UInt16(halfMantissa + (roundUp ? 1 : 0))
        }
        let halfMantissa = mantissa >> 13
        let remainder = mantissa & 0x1FFF
        var result = UInt32(sign) | UInt32(halfExponent) << 10 | halfMantissa
        if remainder > 0x1000 || (remainder == 0x1000 && halfMantissa & 1 == 1) {
            result += 1  // may carry into the exponent, which is the correct rounding
        }
        return UInt16(result)
    }

    public static func bfloat16ToFloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// Float → bfloat16, rounding to nearest even (NaN kept quiet).
    public static func floatToBFloat16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }
}
