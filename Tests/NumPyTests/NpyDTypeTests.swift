import Testing
@testable import NumPy

@Suite struct NpyDTypeTests {
    @Test func descrsAreNumPysLittleEndianStrings() {
        let descrs = NpyDType.allCases.map(\.descr)
        #expect(descrs == ["|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8",
                           "<f2", "<f4", "<f8", "<c8", "<c16"])
    }

    @Test(arguments: NpyDType.allCases)
    func parsesItsOwnDescrAndTheBigEndianSpelling(dtype: NpyDType) throws {
        let little = try #require(NpyDType.parse(descr: dtype.descr))
        #expect(little.dtype == dtype && !little.isBigEndian)
        let big = try #require(NpyDType.parse(descr: ">" + dtype.descr.dropFirst()))
        // One-byte types have no byte order, whatever the mark says.
        #expect(big.dtype == dtype && big.isBigEndian == (dtype.itemSize > 1))
    }

    @Test func nativeAndUnmarkedDescrsAreLittleEndian() {
        #expect(NpyDType.parse(descr: "=f8")?.dtype == .float64)
        #expect(NpyDType.parse(descr: "i4").map { $0.dtype == .int32 && !$0.isBigEndian } == true)
    }

    @Test(arguments: ["<U10", "|O", "|S3", "<M8[ns]", "<m8", "|V4", "<f3", "<f+4", "<i16", "<c4", "<", "", "<f 4"])
    func rejectsEverythingElse(descr: String) {
        #expect(NpyDType.parse(descr: descr) == nil)
    }

    @Test func complexSwapsEachFloatSeparately() {
        #expect(NpyDType.complex64.swapUnit == 4 && NpyDType.complex128.swapUnit == 8)
        #expect(NpyDType.float64.swapUnit == 8)
    }
}
