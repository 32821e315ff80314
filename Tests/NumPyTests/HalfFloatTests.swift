import Testing
@testable import NumPy

@Suite struct HalfFloatTests {
    @Test(arguments: [
        (UInt16(0x0000), Float(0)), (0x3c00, 1), (0xc000, -2), (0x3555, 0x1.554p-2), (0x7bff, 65504),
        (0x0400, 0x1p-14), (0x0001, 0x1p-24), (0x03ff, 0x1.ff8p-15), (0x7c00, .infinity), (0xfc00, -.infinity),
    ])
    func convertsExactly(bits: UInt16, value: Float) {
        #expect(HalfFloat.float(fromBits: bits) == value)
    }

    @Test func keepsSignOfZeroAndNaN() {
        #expect(HalfFloat.float(fromBits: 0x8000).sign == .minus)
        #expect(HalfFloat.float(fromBits: 0x7e00).isNaN)
        #expect(HalfFloat.float(fromBits: 0xfe01).isNaN)
    }

    /// Every one of the 65536 bit patterns, against the platform's own Float16 where it has one.
    @Test func agreesWithSwiftFloat16() {
        #if !(os(macOS) && arch(x86_64))
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = HalfFloat.float(fromBits: bits)
            #expect(actual == expected || (actual.isNaN && expected.isNaN), "bits \(bits)")
        }
        #endif
    }
}
