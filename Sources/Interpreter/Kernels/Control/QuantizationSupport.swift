import Foundation
import ONNX

/// Shared parts of the quantization ops (not an op): reading and writing the quantized element types
/// (8/16-bit integers, packed 4- and 2-bit integers, float8 e4m3fn/e4m3fnuz/e5m2/e5m2fnuz, float4 e2m1)
/// as Float, and
/// the per-tensor / per-axis / blocked scale layout.
enum QuantizedCodec {
    /// The integer range of an integer quantized type.
    static func integerRange(_ type: DataType) -> (Float, Float)? {
        switch type {
        case .uint8: return (0, 255)
        case .int8: return (-128, 127)
        case .uint16: return (0, 65535)
        case .int16: return (-32768, 32767)
        case .uint4: return (0, 15)
        case .int4: return (-8, 7)
        case .uint2: return (0, 3)
        case .int2: return (-2, 1)
        case .int32: return (-2147483648, 2147483647)
        default: return nil
        }
    }

    static func isSmallFloat(_ type: DataType) -> Bool {
        isFloat8(type) || type == .float4e2m1
    }

    static func isFloat8(_ type: DataType) -> Bool {
        type == .float8e4m3fn || type == .float8e5m2 || type == .float8e4m3fnuz || type == .float8e5m2fnuz
    }

    /// The "fnuz" variants: no negative zero, 0x80 is NaN, no infinities.
    static func isFNUZ(_ type: DataType) -> Bool { type == .float8e4m3fnuz || type == .float8e5m2fnuz }

    /// Non-negative finite values of a small float type by code (sign bit clear), ascending.
    static func table(_ type: DataType) -> [Float] {
        switch type {
        case .float8e4m3fn:
            return (0..<0x7F).map { c in
                let e = (c >> 3) & 0xF, m = Float(c & 7)
                return e == 0 ? m * powf(2, -9) : (1 + m / 8) * powf(2, Float(e - 7))
            }
        case .float8e5m2:
            return (0..<0x7C).map { c in
                let e = (c >> 2) & 0x1F, m = Float(c & 3)
                return e == 0 ? m * powf(2, -16) : (1 + m / 4) * powf(2, Float(e - 15))
            }
        case .float8e4m3fnuz:
            return (0..<0x80).map { c in
                let e = (c >> 3) & 0xF, m = Float(c & 7)
                return e == 0 ? m * powf(2, -10) : (1 + m / 8) * powf(2, Float(e - 8))
            }
        case .float8e5m2fnuz:
            return (0..<0x80).map { c in
                let e = (c >> 2) & 0x1F, m = Float(c & 3)
                return e == 0 ? m * powf(2, -17) : (1 + m / 4) * powf(2, Float(e - 16))
            }
        default: // float4e2m1
            return (0..<8).map { c in
                let e = (c >> 1) & 3, m = Float(c & 1)
                return e == 0 ? m * 0.5 : (1 + m / 2) * powf(2, Float(e - 1))
            }
        }
    }

    static let e4m3 = table(.float8e4m3fn)
    static let e5m2 = table(.float8e5m2)
    static let e2m1 = table(.float4e2m1)
    static let e4m3fnuz = table(.float8e4m3fnuz)
    static let e5m2fnuz = table(.float8e5m2fnuz)

    static func values(of type: DataType) -> [Float] {
        switch type {
        case .float8e4m3fn: return e4m3
        case .float8e5m2: return e5m2
        case .float8e4m3fnuz: return e4m3fnuz
        case .float8e5m2fnuz: return e5m2fnuz
        default: return e2m1
        }
    }

    /// Encodes `x` as a small float: nearest value, ties to even code; beyond the largest value it
    /// saturates when `saturate`, else becomes infinity (e5m2) or NaN (the others).
    static func encodeSmallFloat(_ x: Float, _ type: DataType, saturate: Bool) -> UInt8 {
        let code = encodeMagnitude(x, type, saturate: saturate)
        // fnuz types have no negative zero; their NaN is 0x80.
        if isFNUZ(type) && code & 0x7F == 0 {
            let table = values(of: type)
            return x.isNaN || abs(x) > table[table.count - 1] ? 0x80 : 0
        }
        return code
    }

    private static func encodeMagnitude(_ x: Float, _ type: DataType, saturate: Bool) -> UInt8 {
        let table = values(of: type)
        let bits = type == .float4e2m1 ? 3 : 7
        let sign: UInt8 = x.sign == .minus ? UInt8(1 << bits) : 0
        let nanCode: UInt8 = isFNUZ(type) ? 0x80 : type == .float4e2m1 ? 0x7 : 0x7F
        if x.isNaN { return isFNUZ(type) ? 0x80 : nanCode | sign }
        let a = abs(x)
        let maxValue = table[table.count - 1]
        if a > maxValue {
            // Values that round to the largest finite value still do.
            let last = table.count - 1
            let halfUlp = (table[last] - table[last - 1]) / 2
            if saturate || type == .float4e2m1 || (a < maxValue + halfUlp && !a.isInfinite) { return UInt8(last) | sign }
            if isFNUZ(type) { return 0x80 }
            return (type == .float8e5m2 ? 0x7C : nanCode) | sign
        }
        var lo = 0, hi = table.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if table[mid] <= a { lo = mid } else { hi = mid }
        }
        let code: Int
        if table[lo] == a { code = lo }
        else {
            let dl = a - table[lo], dh = table[hi] - a
            code = dl < dh ? lo : dh < dl ? hi : (lo % 2 == 0 ? lo : hi)
        }
        return UInt8(code) | sign
    }

    static func decodeSmallFloat(_ code: UInt8, _ type: DataType) -> Float {
        if isFNUZ(type) && code == 0x80 { return .nan }
        let bits = type == .float4e2m1 ? 3 : 7
        let negative = code & UInt8(1 << bits) != 0
        let magnitude = Int(code) & ((1 << bits) - 1)
        let table = values(of: type)
        let value: Float
        if magnitude < table.count { value = table[magnitude] }
        else if type == .float8e5m2 && magnitude == 0x7C { value = .infinity }
        else { value = .nan }
        return negative ? -value : value
    }

    /// The elements of a quantized (or any numeric) tensor as Float.
    static func decode(_ t: TensorValue) throws -> [Float] {
        switch t.dataType {
        case .float8e4m3fn, .float8e5m2, .float8e4m3fnuz, .float8e5m2fnuz:
            guard case .bytes(let raw) = t.storage else { throw KernelError("bad \(t.dataType) storage") }
            return raw.map { decodeSmallFloat($0, t.dataType) }
        case .float4e2m1, .int4, .uint4, .int2, .uint2:
            guard case .bytes(let raw) = t.storage else { throw KernelError("bad \(t.dataType) storage") }
            let width = t.dataType.bitWidth
            let mask = (1 << width) - 1
            return (0..<t.count).map { k in
                let bit = k * width
                let field = (Int(raw[bit / 8]) >> (bit % 8)) & mask
                switch t.dataType {
                case .float4e2m1: return decodeSmallFloat(UInt8(field), .float4e2m1)
                case .int4, .int2: return Float(field >= (1 << (width - 1)) ? field - (1 << width) : field)
                default: return Float(field)
                }
            }
        default:
            guard let values = t.floats() else { throw KernelError("cannot read \(t.dataType) as a number") }
            return values
        }
    }

    /// A tensor of `type` from values already rounded and clamped (integers) or raw (small floats).
    static func encode(_ values: [Float], type: DataType, shape: [Int], saturate: Bool) throws -> TensorValue {
        func ints<T: FixedWidthInteger>(_: T.Type) -> [T] { values.map { T(exactly: $0.rounded()) ?? 0 } }
        switch type {
        case .uint8: return TensorValue(shape: shape, values: ints(UInt8.self))
        case .int8: return TensorValue(shape: shape, values: ints(Int8.self))
        case .uint16: return TensorValue(shape: shape, values: ints(UInt16.self))
        case .int16: return TensorValue(shape: shape, values: ints(Int16.self))
        case .int32: return TensorValue(shape: shape, values: ints(Int32.self))
        case .float8e4m3fn, .float8e5m2, .float8e4m3fnuz, .float8e5m2fnuz:
            return TensorValue(dataType: type, shape: shape, storage: .bytes(values.map { encodeSmallFloat($0, type, saturate: saturate) }))
        case .float4e2m1, .int4, .uint4, .int2, .uint2:
            let width = type.bitWidth
            let mask = (1 << width) - 1
            var raw = [UInt8](repeating: 0, count: (values.count * width + 7) / 8)
            for (k, v) in values.enumerated() {
                let field = type == .float4e2m1 ? Int(encodeSmallFloat(v, type, saturate: true)) : (Int(v.rounded()) & mask)
                let bit = k * width
                raw[bit / 8] |= UInt8((field & mask) << (bit % 8))
            }
            return TensorValue(dataType: type, shape: shape, storage: .bytes(raw))
        default: throw KernelError("unsupported quantized type \(type)")
        }
    }
}

/// How a scale (or zero point) maps onto the elements of x: per tensor, per axis, or per block.
struct QuantizationLayout {
    let outer: Int, length: Int, inner: Int, block: Int, perAxis: Bool, perTensor: Bool

    init(x: [Int], parameter: [Int], axis: Int, blockSize: Int, name: String) throws {
        let count = parameter.reduce(1, *)
        perTensor = count == 1 && (parameter.count <= 1)
        let a = perTensor ? 0 : try ControlArgs.axis(axis, rank: x.count)
        outer = x.isEmpty ? 1 : x[..<a].reduce(1, *)
        length = x.isEmpty ? 1 : x[a]
        inner = x.isEmpty ? 1 : x[(a + 1)...].reduce(1, *)
        if perTensor {
            perAxis = false; block = 0
        } else if blockSize > 0 {
            var expected = x
            expected[a] = (x[a] + blockSize - 1) / blockSize
            guard parameter == expected else { throw KernelError("\(name) must be \(expected) for block_size \(blockSize), got \(parameter)") }
            perAxis = false; block = blockSize
        } else {
            guard parameter == [x[a]] else { throw KernelError("\(name) must be a scalar or [\(x[a])] for axis \(axis), got \(parameter)") }
            perAxis = true; block = 0
        }
    }

    /// Parameter index of every element of x, in order.
    func indices() -> [Int] {
        var result = [Int](repeating: 0, count: outer * length * inner)
        if perTensor { return result }
        let blocks = block > 0 ? (length + block - 1) / block : 0
        var k = 0
        for o in 0..<outer {
            for a in 0..<length {
                let p = perAxis ? a : (o * blocks + a / block) * inner
                for i in 0..<inner {
                    result[k] = perAxis ? p : p + i
                    k += 1
                }
            }
        }
        return result
    }
}
