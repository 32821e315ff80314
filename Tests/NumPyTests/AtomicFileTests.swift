import Foundation
import Testing
@testable import NumPy

/// Writes go to a temporary file that is renamed into place, so failures leave nothing behind.
@Suite struct AtomicFileTests {
    private let inconsistent = NpyArray(dtype: .float32, shape: [4], data: Data(count: 3))

    @Test func missingDirectoryLeavesNoFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("no/such/dir")
        let array = NpyArray(floats: [1])
        #expect(throws: NumPyError.self) { try NpyFile.write(array, to: missing.appendingPathComponent("a.npy")) }
        #expect(throws: NumPyError.self) {
            try NpzArchive.write([("a", array)], to: missing.appendingPathComponent("a.npz"), compressed: true)
        }
        #expect(Fixtures.contents(of: directory).isEmpty)
    }

    @Test func failedEncodeLeavesNoFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let npy = directory.appendingPathComponent("bad.npy")
        #expect {
            try NpyFile.write(inconsistent, to: npy)
        } throws: { error in
            guard let error = error as? NumPyError, case .invalidArray = error.reason else { return false }
            return error.source == npy.path
        }
        // The second member is the bad one: the first must not survive in a partial archive.
        let entries = [("good", NpyArray(floats: [1, 2])), ("bad", inconsistent)]
        for compressed in [false, true] {
            #expect(throws: NumPyError.self) {
                try NpzArchive.write(entries, to: directory.appendingPathComponent("bad.npz"), compressed: compressed)
            }
        }
        #expect(Fixtures.contents(of: directory).isEmpty)
    }

    @Test func failedWriteKeepsTheOldFileAndSuccessReplacesIt() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("a.npy")
        let first = NpyArray(floats: [1, 2, 3])
        try NpyFile.write(first, to: url)
        #expect(throws: NumPyError.self) { try NpyFile.write(inconsistent, to: url) }
        #expect(try NpyFile.read(from: url) == first)
        let second = NpyArray(scalars: [Int8(-1)])
        try NpyFile.write(second, to: url)
        #expect(try NpyFile.read(from: url) == second)
        #expect(Fixtures.contents(of: directory) == ["a.npy"])
    }

    @Test func errorInsideTheProducerRemovesTheTemporary() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("t.bin")
        #expect(throws: NumPyError.self) {
            try AtomicFile.write(to: target) { temporary throws(NumPyError) in
                try? Data([1, 2, 3]).write(to: temporary)  // a partial file exists when the failure comes
                throw NumPyError(source: target.path, reason: .io("simulated failure"))
            }
        }
        #expect(Fixtures.contents(of: directory).isEmpty)
    }
}
