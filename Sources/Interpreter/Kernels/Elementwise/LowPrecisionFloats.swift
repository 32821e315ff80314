import ONNX

// Codecs for the narrow element types Cast reads and writes: float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz),
// float4e2m1, float8e8m0, the packed 4-bit and 2-bit integers, and a float16/bfloat16 encoder from
// Double (one rounding, where going through Float would round twice). Encoding rounds to nearest even.

/// A small binary floating-point format: sign bit, `exponentBits`, `mantissaBits`.
struct MiniFloatFormat: Sendable {
    let exponentBits: Int
    let mantissaBits: Int
    let bias: Int
    /// Magnitude bits of the largest finite value.
    let maxBits: UInt32
    /// Magnitude bits of infinity, for formats that have it.
    let infinityBits: UInt32?
    /// The code of NaN, for formats that have it.
    let nanBits: UInt32?
    /// "uz" formats: no negative zero (its code is NaN).
    let unsignedZero: Bool

    var signBit: UInt32 { 1 << UInt32(exponentBits + mantissaBits) }

    static let float8e4m3fn = MiniFloatFormat(exponentBits: 4, mantissaBits: 3, bias: 7, maxBits: 0x7E,
                                              infinityBits: nil, nanBits: 0x7F, unsignedZero: false)
    static let float8e4m3fnuz = MiniFloatFormat(exponentBits: 4, mantissaBits: 3, bias: 8, maxBits: 0x7F,
                                                infinityBits: nil, nanBits: 0x80, unsignedZero: true)
    static let float8e5m2 = MiniFloatFormat(exponentBits: 5, mantissaBits: 2, bias: 15, maxBits: 0x7B,
                                            infinityBits: 0x7C, nanBits: 0x7E, unsignedZero: false)
    static let float8e5m2fnuz = MiniFloatFormat(exponentBits: 5, mantissaBits: 2, bias: 16, maxBits: 0x7F,
                                                infinityBits: nil, nanBits: 0x80, unsignedZero: true)
    static let float4e2m1 = MiniFloatFormat(exponentBits: 2, mantissaBits: 1, bias: 1, maxBits: 0x7,
                                            infinityBits: nil, nanBits: nil, unsignedZero: false)
    static let float16 = MiniFloatFormat(exponentBits: 5, mantissaBits: 10, bias: 15, maxBits: 0x7BFF,
                                         infinityBits: 0x7C00, nanBits: 0x7E00, unsignedZero: false)
    static let bfloat16 = MiniFloatFormat(exponentBits: 8, mantissaBits: 7, bias: 127, maxBits: 0x7F7F,
                                          infinityBits: 0x7F80, nanBits: 0x7FC0, unsignedZero: false)

    static func of(_ dataType: DataType) -> MiniFloatFormat? {
        switch dataType {
        case .float8e4m3fn: return .float8e4m3fn
        case .float8e4m3fnuz: return .float8e4m3fnuz
        case .float8e5m2: return .float8e5m2
        case .float8e5m2fnuz: return .float8e5m2fnuz
        case .float4e2m1: return .float4e2m1
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        default: return nil
        }
    }

    /// The code of `x`, rounded to nearest even. Out of range (infinity included): the largest finite
    /// value when `saturate`, else infinity or NaN, whichever the format has.
    func encode(_ x: Double, saturate: Bool) -> UInt32 {
        let negative = x.sign == .minus
        let sign = negative ? signBit : 0
        if x.isNaN {
            // float4e2m1 has no NaN; the node suite expects its negative zero code.
            return nanBits ?? signBit
        }
        let a = Swift.abs(x)
        var magnitude: UInt64
        if a.isInfinite {
            magnitude = UInt64.max
        } else if a == 0 {
            magnitude = 0
        } else {
            let emin = 1 - bias
            var e = Int(a.exponent)
            if e < emin {
                // Subnormal: multiples of 2^(emin - mantissaBits); 2^mantissaBits is the smallest normal.
                let q = (a * Double(sign: .plus, exponent: mantissaBits - emin, significand: 1)).rounded(.toNearestOrEven)
                magnitude = UInt64(q)
            } else if e > 1024 {
                magnitude = UInt64.max
            } else {
                var q = (a * Double(sign: .plus, exponent: mantissaBits - e, significand: 1)).rounded(.toNearestOrEven)
                let top = Double(sign: .plus, exponent: mantissaBits + 1, significand: 1)
                if q >= top { e += 1; q /= 2 }
                let exponentField = e + bias
                let maxField = (1 << exponentBits)
                if exponentField >= maxField {
                    magnitude = UInt64.max
                } else {
                    magnitude = UInt64(exponentField) << UInt64(mantissaBits) | (UInt64(q) - (1 << UInt64(mantissaBits)))
                }
            }
        }
        if magnitude > UInt64(maxBits) {
            if saturate || (infinityBits == nil && nanBits == nil) { return UInt32(maxBits) | sign }
            if let infinityBits { return infinityBits | sign }
            // NaN keeps the sign where the format has a signed NaN (e4m3fn: 0x7F / 0xFF).
            guard let nanBits else { return UInt32(maxBits) | sign }
            return unsignedZero ? nanBits : nanBits | sign
        }
        if magnitude == 0 && unsignedZero { return 0 }
        return UInt32(magnitude) | sign
    }

    /// The value of `code`.
    func decode(_ code: UInt32) -> Double {
        let negative = code & signBit != 0
        let magnitude = code & (signBit - 1)
        if unsignedZero {
            if code == signBit { return .nan }
        } else if infinityBits == nil, let nanBits, magnitude == nanBits {
            return .nan
        }
        if let infinityBits, magnitude >= infinityBits {
            if magnitude == infinityBits { return negative ? -.infinity : .infinity }
            return .nan
        }
        let exponentField = Int(magnitude >> UInt32(mantissaBits))
        let mantissa = Double(magnitude & ((1 << UInt32(mantissaBits)) - 1))
        let value: Double
        if exponentField == 0 {
            value = mantissa * Double(sign: .plus, exponent: 1 - bias - mantissaBits, significand: 1)
        } else {
            value = (1 + mantissa / Double(1 << mantissaBits)) * Double(sign: .plus, exponent: exponentField - bias, significand: 1)
        }
        return negative ? -value : value
    }

    /// Values of all 256 byte codes (for 8-bit and narrower formats).
    func table() -> [Float] { (0..<256).map { Float(decode(UInt32($0))) } }
}

/// float8e8m0: an unsigned power of two 2^(code - 127); 0xFF is NaN.
enum Float8E8M0 {
    static func decode(_ code: UInt8) -> Double {
        code == 0xFF ? .nan : Double(sign: .plus, exponent: Int(code) - 127, significand: 1)
    }

    /// `round` is "up", "down" or "nearest" (between the two neighbouring powers of two).
    static func encode(_ x: Double, saturate: Bool, round: String) -> UInt8 {
        if x.isNaN || x < 0 { return 0xFF }
        if x.isInfinite { return saturate ? 0xFE : 0xFF }
        if x == 0 { return 0 }
        var e = Int(x.exponent)
        let exact = x == Double(sign: .plus, exponent: e, significand: 1)
        if !exact {
            switch round {
            case "down": break
            case "nearest": if x.significand >= 1.5 { e += 1 }
            default: e += 1
            }
        }
        if e < -127 { return 0 }
        if e > 127 { return saturate ? 0xFE : 0xFF }
        return UInt8(e + 127)
    }
}

/// Packed sub-byte integers (int4, uint4, int2, uint2), low bits first.
enum PackedIntegers {
    static func bits(_ dataType: DataType) -> Int? {
        switch dataType {
        case .int4, .uint4: return 4
        case .int2, .uint2: return 2
        default: return nil
        }
    }

    static func unpack(_ bytes: [UInt8], count: Int, dataType: DataType) -> [Int64] {
        let width = dataType.bitWidth
        let signed = dataType == .int4 || dataType == .int2
        let perByte = 8 / width
        let mask = UInt8((1 << width) - 1)
        var result = [Int64](repeating: 0, count: count)
        for i in 0..<count where i / perByte < bytes.count {
            let raw = (bytes[i / perByte] >> UInt8((i % perByte) * width)) & mask
            var value = Int64(raw)
            if signed && value >= Int64(1 << (width - 1)) { value -= Int64(1 << width) }
            result[i] = value
        }
        return result
    }

    static func pack(_ values: [Int64], dataType: DataType) -> [UInt8] {
        let width = dataType.bitWidth
        let perByte = 8 / width
        let mask = Int64((1 << width) - 1)
        var bytes = [UInt8](repeating: 0, count: (values.count + perByte - 1) / perByte)
        for (i, v) in values.enumerated() {
            bytes[i / perByte] |= UInt8(v & mask) << UInt8((i % perByte) * width)
        }
        return bytes
    }

    /// Packs 4-bit codes (float4e2m1), low nibble first.
    static func packNibbles(_ codes: [UInt8]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (codes.count + 1) / 2)
        for (i, c) in codes.enumerated() { bytes[i / 2] |= (c & 0xF) << UInt8((i % 2) * 4) }
        return bytes
    }

    static func unpackNibbles(_ bytes: [UInt8], count: Int) -> [UInt8] {
        (0..<count).map { i in i / 2 < bytes.count ? (bytes[i / 2] >> UInt8((i % 2) * 4)) & 0xF : 0 }
    }
}
