import Foundation
import Testing
@testable import NumPy

/// Reading numpy-written fixtures and writing files numpy would write; malformed input is in
/// NpyFileMalformedInputTests.
@Suite struct NpyFileTests {
    @Test(arguments: NpyDType.allCases)
    func readsEveryDTypeFixture(dtype: NpyDType) throws {
        let array = try NpyFile.read(from: Fixtures.url("dtype_\(dtype).npy"))
        #expect(array.shape == Fixtures.shape)
        #expect(Fixtures.holdsFormula(array, for: dtype))
    }

    @Test(arguments: [("big_endian_i4.npy", NpyDType.int32), ("big_endian_f8.npy", .float64),
                      ("big_endian_c8.npy", .complex64)])
    func convertsBigEndianToLittleEndian(file: String, dtype: NpyDType) throws {
        let array = try NpyFile.read(from: Fixtures.url(file))
        #expect(array.shape == Fixtures.shape)
        #expect(Fixtures.holdsFormula(array, for: dtype))
    }

    @Test func convertsFortranOrderToCOrder() throws {
        let cube = try NpyFile.read(from: Fixtures.url("fortran_i2.npy"))
        #expect(cube.shape == Fixtures.shape)
        #expect(Fixtures.holdsFormula(cube, for: .int16))
        let matrix = try NpyFile.read(from: Fixtures.url("fortran_f4_2d.npy"))
        #expect(matrix.shape == [4, 6])
        #expect(matrix.scalars(as: Float.self) == Fixtures.quarters)
    }

    @Test func readsZeroDimensionalScalar() throws {
        let scalar = try NpyFile.read(from: Fixtures.url("scalar_f8.npy"))
        #expect(scalar.shape == [])
        #expect(scalar.elementCount == 1)
        #expect(scalar.scalars(as: Double.self) == [2.5])
    }

    @Test(arguments: [("empty_f4.npy", [0, 3], NpyDType.float32), ("empty_i8_middle.npy", [2, 0, 4], .int64)])
    func readsZeroSizeArrays(file: String, shape: [Int], dtype: NpyDType) throws {
        let array = try NpyFile.read(from: Fixtures.url(file))
        #expect(array.shape == shape)
        #expect(array.dtype == dtype)
        #expect(array.data.isEmpty)
    }

    @Test func readsVersion2And3Headers() throws {
        let v2 = try NpyFile.read(from: Fixtures.url("version2_f4.npy"))
        #expect(v2.shape == Fixtures.shape && Fixtures.holdsFormula(v2, for: .float32))
        let v3 = try NpyFile.read(from: Fixtures.url("version3_i8.npy"))
        #expect(v3.shape == Fixtures.shape && Fixtures.holdsFormula(v3, for: .int64))
    }

    /// Our header framing is numpy's, byte for byte, for every file np.save wrote in C order.
    @Test(arguments: NpyDType.allCases.map { "dtype_\($0).npy" } + ["scalar_f8.npy", "empty_f4.npy",
                                                                     "empty_i8_middle.npy"])
    func encodesExactlyAsNumPySaves(file: String) throws {
        let original = try Fixtures.bytes(file)
        #expect(try NpyFile.encode(NpyFile.decode(original, source: file)) == original)
    }

    @Test func encodesExplicitVersionsExactlyAsNumPy() throws {
        for (file, version) in [("version2_f4.npy", NpyFormatVersion.v2), ("version3_i8.npy", .v3)] {
            let original = try Fixtures.bytes(file)
            let array = try NpyFile.decode(original, source: file)
            #expect(try NpyFile.encode(array, version: version) == original)
        }
    }

    @Test(arguments: NpyDType.allCases)
    func roundTripsEveryDType(dtype: NpyDType) throws {
        // Every byte value appears, so a swapped or dropped byte cannot go unnoticed.
        let data = Data((0..<(30 * dtype.itemSize)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        let array = NpyArray(dtype: dtype, shape: [5, 3, 2], data: data)
        for version in NpyFormatVersion.allCases {
            let encoded = try NpyFile.encode(array, version: version)
            #expect(encoded.count % 64 == data.count % 64, "data starts on a 64-byte boundary")
            #expect(try NpyFile.decode(encoded, source: "test") == array)
        }
    }

    @Test func roundTripsScalarAndEmptyShapes() throws {
        for shape in [[], [0], [3, 0, 2], [1, 1, 1, 1]] {
            let count = NpyArray.elementCount(of: shape) ?? 0
            let array = NpyArray(scalars: (0..<count).map { Int32($0) }, shape: shape)
            #expect(try NpyFile.decode(NpyFile.encode(array), source: "test") == array)
        }
    }

    @Test func switchesToVersion2WhenHeaderExceeds64KiB() throws {
        // ~33000 dimensions of 1 make a header over 65535 bytes, as numpy would also need v2 for.
        let array = NpyArray(dtype: .uint8, shape: Array(repeating: 1, count: 33_000), data: Data([7]))
        let encoded = try NpyFile.encode(array)
        #expect(Array(encoded.prefix(8)) == NpyHeader.magic + [2, 0])
        #expect(try NpyFile.decode(encoded, source: "test") == array)
        #expect(throws: NumPyError.self) { try NpyFile.encode(array, version: .v1) }
    }

    @Test func writesAndReadsFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("w.npy")
        let array = NpyArray(floats: Fixtures.quarters, shape: Fixtures.shape)
        try NpyFile.write(array, to: url)
        #expect(try NpyFile.read(from: url) == array)
        #expect(try Data(contentsOf: url) == Fixtures.bytes("dtype_float32.npy"))
        #expect(Fixtures.contents(of: directory) == ["w.npy"])
    }
}
