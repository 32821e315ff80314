import Foundation
@testable import NumPy

/// The files `converters/numpy/make_fixtures.py` writes with real numpy, and the values they hold.
///
/// Each `dtype_<name>.npy` has shape (2, 3, 4) and, at C-order index k = 0…23, the value given by the
/// same formula as the script's FORMULAS table — so the expected numbers come from the formula, not from
/// the reader under test.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // NumPyTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("testdata/numpy")

    static let shape = [2, 3, 4]
    static let k = Array(0..<24)

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    // The formulas, as in make_fixtures.py.
    static let bools = k.map { $0 % 3 == 0 }
    static let int8s = k.map { Int8($0 - 12) }
    static let int16s = k.map { Int16(($0 - 12) * 1000) }
    static let int32s = k.map { Int32(($0 - 12) * 100_000) }
    static let int64s = k.map { Int64($0 - 12) << 40 }
    static let uint8s = k.map { UInt8($0 * 10) }
    static let uint16s = k.map { UInt16($0 * 2000) }
    static let uint32s = k.map { UInt32($0 * 100_000_000) }
    static let uint64s = k.map { UInt64($0) << 59 }
    /// float16 and float32: (k − 12) / 4, exact in both.
    static let quarters = k.map { Float($0 - 12) / 4 }
    /// float64: (k − 12) / 3, one correctly rounded division as in numpy.
    static let thirds = k.map { Double($0 - 12) / 3 }
    /// complex64: re (k − 12) / 4, im k / 2, interleaved.
    static let complex64s = k.flatMap { [Float($0 - 12) / 4, Float($0) / 2] }
    /// complex128: re (k − 12) / 4, im k / 3, interleaved.
    static let complex128s = k.flatMap { [Double($0 - 12) / 4, Double($0) / 3] }

    /// True when `array` holds the formula values for `dtype` (shape is checked separately).
    static func holdsFormula(_ array: NpyArray, for dtype: NpyDType) -> Bool {
        guard array.dtype == dtype else { return false }
        switch dtype {
        case .bool: return array.scalars(as: Bool.self) == bools
        case .int8: return array.scalars(as: Int8.self) == int8s
        case .int16: return array.scalars(as: Int16.self) == int16s
        case .int32: return array.scalars(as: Int32.self) == int32s
        case .int64: return array.scalars(as: Int64.self) == int64s
        case .uint8: return array.scalars(as: UInt8.self) == uint8s
        case .uint16: return array.scalars(as: UInt16.self) == uint16s
        case .uint32: return array.scalars(as: UInt32.self) == uint32s
        case .uint64: return array.scalars(as: UInt64.self) == uint64s
        case .float16: return array.floats() == quarters
        case .float32: return array.scalars(as: Float.self) == quarters
        case .float64: return array.scalars(as: Double.self) == thirds
        case .complex64: return array.scalars(as: Float.self) == complex64s
        case .complex128: return array.scalars(as: Double.self) == complex128s
        }
    }

    /// A fresh empty directory under the system temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("NumPyTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func contents(of directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }
}

/// SplitMix64: a seeded generator so fuzz cases are the same on every run and a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> Data {
        Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &self) })
    }
}
