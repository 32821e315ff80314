import Testing
import NumPy

@Suite struct LibraryErrorTextTests {
    enum ZipLike: Error {
        case missingEndOfCentralDirectoryRecord
        case corruptedData
        case invalidEntry(path: String)
    }

    struct Worded: Error, CustomStringConvertible {
        var description: String { "the archive ends early" }
    }

    @Test func enumCasesBecomeWords() {
        #expect(LibraryErrorText.describe(ZipLike.missingEndOfCentralDirectoryRecord) == "missing end of central directory record")
        #expect(LibraryErrorText.describe(ZipLike.corruptedData) == "corrupted data")
        #expect(LibraryErrorText.describe(ZipLike.invalidEntry(path: "a/../b")) == "invalid entry")
    }

    @Test func sentencesPassThrough() {
        #expect(LibraryErrorText.describe(Worded()) == "the archive ends early")
    }
}
