import Foundation
import Testing
@testable import NumPy

@Suite struct ZipDirectoryTests {
    @Test func readsTheStatedEntryCount() throws {
        #expect(ZipDirectory.entryCount(tail: try Fixtures.bytes("savez.npz")) == 3)
        #expect(ZipDirectory.entryCount(tail: try Fixtures.bytes("not_npy_member.npz")) == 1)
        #expect(ZipDirectory.entryCount(tail: Data("PK\u{5}\u{6}".utf8)) == nil)
        #expect(ZipDirectory.entryCount(tail: Data()) == nil)
    }

    @Test func tailOfAFileIsItsEnd() throws {
        let whole = try Fixtures.bytes("savez.npz")
        #expect(ZipDirectory.tail(of: Fixtures.url("savez.npz")) == whole)
        #expect(ZipDirectory.tail(of: Fixtures.url("missing.npz")) == nil)
    }

    /// A damaged central-directory record makes ZIPFoundation's iterator stop early without an error;
    /// the stated count turns that into one instead of a silently shorter archive.
    @Test func damagedDirectoryRecordIsNotASilentlyShorterArchive() throws {
        var data = try Fixtures.bytes("savez_compressed.npz")
        let record = Data([0x50, 0x4b, 0x01, 0x02])
        let first = try #require(data.range(of: record))
        let second = try #require(data.range(of: record, in: first.upperBound..<data.endIndex))
        data.replaceSubrange(second, with: Data([0x50, 0x4b, 0x01, 0x00]))
        do {
            let entries = try NpzArchive.decode(data, source: "damaged.npz")
            Issue.record("read \(entries.count) entries from a damaged directory")
        } catch {
            #expect(error.reason == .notZipArchive("directory lists 3 entries but only 1 are readable"))
        }
    }
}
