import Foundation
import Testing
@testable import ONNX

/// Tensor data in every storage field, converted to the raw little-endian layout and to numbers.
@Suite struct TensorTests {
    let storage: Model

    init() throws { storage = try Fixtures.load("tensor_storage.onnx") }

    func tensor(_ name: String) throws -> Tensor { try #require(storage.initializer(name)) }

    @Test("rawBytes() of the typed fields onnx wrote is the raw_data layout")
    func rawBytesFromFixture() throws {
        // int32_data holds one element per entry for 8- and 16-bit types (float16 as bit patterns).
        #expect(try tensor("f16_typed").rawBytes() == Fixtures.littleEndian([UInt16(0x3C00), 0xC000, 0x7BFF]))
        #expect(try tensor("bf16_typed").rawBytes() == Fixtures.littleEndian([UInt16(0x3F80), 0xBF00]))
        #expect(try tensor("i8_typed").rawBytes() == Data([0x80, 0xFF, 0x00, 0x7F]))
        #expect(try tensor("u16_typed").rawBytes() == Data([0x00, 0x00, 0xFF, 0xFF]))
        #expect(try tensor("bool_typed").rawBytes() == Data([1, 0, 1]))
        #expect(try tensor("f8_typed").rawBytes() == Data([0x38, 0xC4]))  // 1.0 and -3.0 in e4m3fn
        // …and one packed byte per entry for 4-bit types: [1, 15, 7] → 0xF1, 0x07.
        #expect(try tensor("u4_typed").rawBytes() == Data([0xF1, 0x07]))
        #expect(try tensor("i32_typed").rawBytes() == Fixtures.littleEndian([Int32.min, Int32.max]))
        #expect(try tensor("i64_typed").rawBytes() == Fixtures.littleEndian([Int64.min, 1 << 40]))
        #expect(try tensor("f64_typed").rawBytes() == Fixtures.littleEndian([1.0 / 3.0, -1e300]))
        // uint32 lives in uint64_data but is 4 bytes an element in raw form.
        #expect(try tensor("u32_typed").rawBytes() == Fixtures.littleEndian([UInt32(1), 4_000_000_000]))
        #expect(try tensor("u64_typed").rawBytes() == Fixtures.littleEndian([UInt64(0), .max]))
        #expect(try tensor("f32_typed").rawBytes() == Fixtures.littleEndian([Float(0.5), -1, 2.25, 3, -4.5, 1e-3]))
        #expect(try tensor("c64_typed").rawBytes() == Fixtures.littleEndian([Float(1), 2, -3, 0.5]))
        // onnx's own raw packing of int4 [1, -2, 7, -8, 3]: low nibble first, last byte half used.
        #expect(try tensor("i4_raw").rawBytes() == Data([0xE1, 0x87, 0x03]))
        #expect(try tensor("no_type").storage == .none)
    }

    @Test("typed storage built in code")
    func rawBytesFromCode() throws {
        func raw(_ type: DataType, _ storage: Tensor.Storage, dims: [Int64] = [2]) throws -> Data {
            try Tensor(name: "t", dataType: type, dims: dims, storage: storage).rawBytes()
        }
        #expect(try raw(.float16, .int32s([0x3C00, 0xC000])) == Data([0x00, 0x3C, 0x00, 0xC0]))
        #expect(try raw(.int8, .int32s([-1, 5])) == Data([0xFF, 0x05]))
        #expect(try raw(.bool, .int32s([1, 0])) == Data([1, 0]))
        #expect(try raw(.uint32, .uint64s([0xFFFF_FFFF, 2])) == Data([0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0]))
        #expect(try raw(.double, .doubles([1.5, -2])) == Fixtures.littleEndian([1.5, -2.0]))
        #expect(try raw(.int64, .int64s([-2, 3])) == Fixtures.littleEndian([Int64(-2), 3]))
        #expect(try raw(.float, .none, dims: [0]) == Data())
        // float6 codes are packed into a 6-bit stream: 0b111111, 0b000001 → 0x7F, 0x00.
        #expect(try raw(.float6e2m3, .int32s([0x3F, 0x01])) == Data([0x7F, 0x00]))
    }

    @Test("rawBytes() refuses what has no raw form")
    func rawBytesErrors() throws {
        let strings = Tensor(name: "s", dataType: .string, dims: [1], storage: .strings([Data("x".utf8)]))
        #expect(throws: TensorDataError.self) { try strings.rawBytes() }
        let untyped = Tensor(name: "u", dataType: nil, dims: [1], storage: .floats([1]))
        #expect(throws: TensorDataError(tensor: "u", reason: "no data type")) { try untyped.rawBytes() }
        let wide = Tensor(name: "w", dataType: .int64, dims: [1], storage: .int32s([1]))
        #expect(throws: TensorDataError.self) { try wide.rawBytes() }
        let external = try #require(Fixtures.load(Fixtures.external, loadExternalData: false).initializer("bias"))
        let error = try #require(throws: TensorDataError.self) { try external.rawBytes() }
        #expect(error.tensor == "bias" && error.description.contains("weights.data"))
        // Raw bytes that are not a whole number of elements.
        let ragged = Tensor(name: "r", dataType: .float, dims: [1], raw: Data([1, 2, 3]))
        #expect(throws: TensorDataError.self) { try ragged.floatValues() }
    }

    @Test("floatValues() and int64Values() convert every element type")
    func numbers() throws {
        #expect(try tensor("f16_typed").floatValues() == [1, -2, 65504])
        #expect(try tensor("f16_raw").floatValues() == [1, -2, 0.5])
        #expect(try tensor("bf16_typed").floatValues() == [1, -0.5])
        #expect(try tensor("bf16_raw").floatValues() == [1, -2, 3.5])
        #expect(try tensor("f32_typed").floatValues() == [0.5, -1, 2.25, 3, -4.5, 1e-3])
        #expect(try tensor("f64_typed").floatValues() == [Float(1.0 / 3.0), -.infinity])
        #expect(try tensor("i8_typed").int64Values() == [-128, -1, 0, 127])
        #expect(try tensor("u16_typed").int64Values() == [0, 65535])
        #expect(try tensor("bool_typed").int64Values() == [1, 0, 1])
        #expect(try tensor("i32_typed").int64Values() == [Int64(Int32.min), Int64(Int32.max)])
        #expect(try tensor("i64_typed").int64Values() == [.min, 1 << 40])
        #expect(try tensor("u32_typed").int64Values() == [1, 4_000_000_000])
        #expect(try tensor("u64_typed").int64Values() == [0, -1])  // wraps, as documented
        #expect(try tensor("located").int64Values() == [7])
        #expect(try tensor("i8_typed").floatValues() == [-128, -1, 0, 127])
        #expect(throws: TensorDataError.self) { try tensor("f32_typed").int64Values() }
    }

    @Test("float16 bit patterns", arguments: [
        (UInt16(0x3C00), Float(1)),
        (0xC000, -2),
        (0x7BFF, 65504),
        (0x0001, 0x1p-24),           // smallest subnormal
        (0x03FF, 1023 * 0x1p-24),    // largest subnormal
        (0x0400, 0x1p-14),           // smallest normal
        (0x3555, 0.333251953125),
        (0x8001, -0x1p-24),
        (0x7C00, .infinity),
        (0xFC00, -.infinity),
        (0x0000, 0),
    ])
    func float16(bits: UInt16, expected: Float) {
        #expect(HalfPrecision.float16ToFloat(bits) == expected)
    }

    @Test("float16 signs and NaN")
    func float16Special() {
        #expect(HalfPrecision.float16ToFloat(0x8000).sign == .minus)
        #expect(HalfPrecision.float16ToFloat(0x8000) == 0)
        #expect(HalfPrecision.float16ToFloat(0x7E00).isNaN)
        #expect(HalfPrecision.float16ToFloat(0x7C01).isNaN)
        // Positive patterns in increasing order are increasing values, through subnormals to infinity.
        let values = (UInt16(0x0000)...0x7C00).map(HalfPrecision.float16ToFloat)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
        #expect((UInt16(0x0000)...0x7C00).allSatisfy { HalfPrecision.float16ToFloat($0 | 0x8000) == -HalfPrecision.float16ToFloat($0) })
    }

    @Test("elementCount: product of dims, nil on overflow or negative dims", arguments: [
        ([Int64](), Optional(1)),
        ([2, 3, 4], 24),
        ([0, Int64.max], 0),
        ([Int64.max, 2], nil),
        ([1 << 32, 1 << 32], nil),
        ([-1, 3], nil),
        ([3, -1], nil),
    ])
    func elementCount(dims: [Int64], expected: Int?) {
        #expect(Tensor(name: "t", dataType: .float, dims: dims, storage: .none).elementCount == expected)
    }

    @Test("byteCount packs sub-byte types and reads external lengths")
    func byteCount() throws {
        #expect(try tensor("i4_raw").byteCount == 3)
        #expect(try tensor("u4_typed").byteCount == 2)  // 3 elements × 4 bits, rounded up
        #expect(try tensor("c64_typed").byteCount == 16)
        #expect(try tensor("u32_typed").byteCount == 8)
        #expect(try tensor("str_typed").byteCount == 10)  // "alpha" + "" + "été"
        #expect(Tensor(name: "t", dataType: .float, dims: [Int64.max, 2], storage: .floats([])).byteCount == 0)
        let external = try Fixtures.load(Fixtures.external, loadExternalData: false)
        #expect(external.initializer("weight")?.byteCount == 8192)
    }

    @Test("DataType facts")
    func dataTypes() {
        #expect(DataType.int4.byteCount(elements: 5) == 3)
        #expect(DataType.uint2.byteCount(elements: 5) == 2)
        #expect(DataType.float6e2m3.byteCount(elements: 4) == 3)
        #expect(DataType.bfloat16.byteCount(elements: 3) == 6)
        #expect(DataType.string.bitWidth == 0)
        #expect(DataType.allCases.allSatisfy { DataType(rawValue: $0.rawValue) == $0 })
        #expect(DataType.allCases.filter(\.isFloatingPoint).count == 12)
    }
}
