import Foundation

/// Why a tensor's elements could not be produced in raw form.
public struct TensorDataError: Error, Equatable, CustomStringConvertible {
    public var tensor: String
    public var reason: String
    public var description: String { "tensor '\(tensor)': \(reason)" }
}

extension Tensor {
    /// The elements as little-endian raw bytes (the `raw_data` layout), whichever field holds them.
    public func rawBytes() throws -> Data {
        guard let dataType else { throw TensorDataError(tensor: name, reason: "no data type") }
        switch storage {
        case .raw(let data): return data
        case .none: return Data()
        case .floats(let values): return Self.littleEndianBytes(of: values)
        case .doubles(let values): return Self.littleEndianBytes(of: values)
        case .int64s(let values): return Self.littleEndianBytes(of: values)
        case .int32s(let values): return try Self.rawBytes(fromInt32Field: values, dataType: dataType, tensor: name)
        case .uint64s(let values):
            if dataType == .uint32 { return Self.littleEndianBytes(of: values.map { UInt32(truncatingIfNeeded: $0) }) }
            return Self.littleEndianBytes(of: values)
        case .strings:
            throw TensorDataError(tensor: name, reason: "string tensors have no raw form")
        case .external(let ref):
            throw TensorDataError(tensor: name, reason: "data is in external file '\(ref.location ?? "?")', not loaded")
        }
    }

    /// float32 elements; other floating and integer types are converted.
    public func floatValues() throws -> [Float] {
        if case .floats(let values) = storage, dataType == .float { return values }
        let raw = try rawBytes()
        guard let dataType else { return [] }
        return try ElementDecoding.floats(from: raw, dataType: dataType, tensor: name)
    }

    /// int64 elements of an integer or bool tensor.
    public func int64Values() throws -> [Int64] {
        if case .int64s(let values) = storage { return values }
        let raw = try rawBytes()
        guard let dataType else { return [] }
        return try ElementDecoding.int64s(from: raw, dataType: dataType, tensor: name)
    }

    static func littleEndianBytes<T: FixedWidthInteger>(of values: [T]) -> Data {
        var data = Data(count: values.count * MemoryLayout<T>.size)
        data.withUnsafeMutableBytes { out in
            for (i, v) in values.enumerated() { out.storeBytes(of: v.littleEndian, toByteOffset: i * MemoryLayout<T>.size, as: T.self) }
        }
        return data
    }

    static func littleEndianBytes(of values: [Float]) -> Data {
        littleEndianBytes(of: values.map(\.bitPattern))
    }

    static func littleEndianBytes(of values: [Double]) -> Data {
        littleEndianBytes(of: values.map(\.bitPattern))
    }

    /// `int32_data` holds one element per entry for 8- and 16-bit types, one packed byte per entry for 4- and
    /// 2-bit types, and one 6-bit code per entry for the float6 types (packed here into a bit stream).
    static func rawBytes(fromInt32Field values: [Int32], dataType: DataType, tensor: String) throws -> Data {
        switch dataType.bitWidth {
        case 32: return littleEndianBytes(of: values)
        case 16: return littleEndianBytes(of: values.map { UInt16(truncatingIfNeeded: $0) })
        case 8, 4, 2: return Data(values.map { UInt8(truncatingIfNeeded: $0) })
        case 6: return packSixBitCodes(values.map { UInt8(truncatingIfNeeded: $0) & 0x3F })
        default:
            throw TensorDataError(tensor: tensor, reason: "int32_data cannot hold \(dataType)")
        }
    }

    static func packSixBitCodes(_ codes: [UInt8]) -> Data {
        var out = Data(count: (codes.count * 6 + 7) / 8)
        var bit = 0
        for code in codes {
            for b in 0..<6 where code & (1 << b) != 0 {
                let position = bit + b
                out[position / 8] |= UInt8(1 << (position % 8))
            }
            bit += 6
        }
        return out
    }
}
