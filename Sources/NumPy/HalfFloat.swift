/// IEEE 754 binary16 → Float, done by hand because Swift's `Float16` is unavailable on Intel Macs,
/// which the package still supports.
enum HalfFloat {
    /// Exact: every binary16 value, including subnormals, infinities and NaN payloads, is a Float.
    static func float(fromBits bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1f
        let mantissa = UInt32(bits & 0x3ff)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2⁻²⁴, which Float holds exactly.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1f:
            return Float(bitPattern: sign | 0x7f80_0000 | mantissa << 13)
        default:
            // Rebias the exponent from 15 to 127.
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}
