import Foundation
import Limits
import Testing
import ZIPFoundation
@testable import NumPy

/// `.npz` and `.npy` files whose stated sizes ask for far more memory than the file holds: refused
/// before the memory is taken, each with one line naming the archive and member.
@Suite struct NpzHostileSizeTests {
    /// 3 GiB of float32 elements.
    static let hugeShape = [805_306_368]

    /// A `.npy` whose header declares `shape` but which holds only `dataBytes` bytes after it.
    static func npy(declaring shape: [Int], dataBytes: Int) -> Data {
        let header = NpyHeader(for: NpyArray(dtype: .float32, shape: shape, data: Data()))
        var bytes = header.framed(version: .v1) ?? Data()
        bytes.append(Data(count: dataBytes))
        return bytes
    }

    /// An archive of one member `path` holding `bytes`, deflated or stored.
    static func archive(_ path: String, _ bytes: Data, compressed: Bool) throws -> Data {
        let archive = try Archive(accessMode: .create)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count),
                             compressionMethod: compressed ? .deflate : .none) { position, size in
            bytes.subdata(in: Int(position)..<(Int(position) + size))
        }
        return try #require(archive.data)
    }

    /// The one-line error decoding `data` as an `.npz` gives, under `budget`.
    static func failure(decoding data: Data, budget: MemoryBudget = MemoryBudget(bytes: 1 << 30)) -> NumPyError? {
        MemoryBudget.$current.withValue(budget) { () -> NumPyError? in
            do {
                _ = try NpzArchive.decode(data, source: "x.npz")
                return nil
            } catch {
                return error as? NumPyError ?? NumPyError(source: "?", reason: .io("unexpected \(error)"))
            }
        }
    }

    @Test(arguments: [false, true])
    func memberWhoseHeaderDeclaresThreeGiB(compressed: Bool) throws {
        let data = try Self.archive("x.npy", Self.npy(declaring: Self.hugeShape, dataBytes: 1024), compressed: compressed)
        let error = try #require(Self.failure(decoding: data))
        guard case .corruptEntry(let name, let detail) = error.reason else {
            Issue.record("not reported as a corrupt entry: \(error)")
            return
        }
        #expect(name == "x.npy" && detail.contains("declares shape [805306368]"), "\(error)")
        #expect(!error.description.contains("\n"))
    }

    /// The central directory and local header both say 3 GiB for a member that deflates to a few bytes.
    @Test func zipHeaderDeclaringAHugeUncompressedSize() throws {
        var data = try Self.archive("x.npy", Self.npy(declaring: [256], dataBytes: 1024), compressed: true)
        let huge: [UInt8] = [0x00, 0x00, 0x00, 0xC0]  // 3 GiB, little-endian
        for (signature, offset) in [([UInt8]([0x50, 0x4b, 0x01, 0x02]), 24), ([0x50, 0x4b, 0x03, 0x04], 22)] {
            let start = try #require(data.firstRange(of: Data(signature))).lowerBound
            data.replaceSubrange((start + offset)..<(start + offset + 4), with: huge)
        }
        let error = try #require(Self.failure(decoding: data))
        guard case .corruptEntry(_, let detail) = error.reason else {
            Issue.record("not reported as a corrupt entry: \(error)")
            return
        }
        #expect(detail.contains("3221225472 bytes uncompressed") && detail.contains("more than deflate can produce"), "\(error)")
    }

    @Test func memberOverTheBudgetIsRefusedBeforeInflating() throws {
        let data = try Self.archive("big.npy", Self.npy(declaring: [4096], dataBytes: 4096 * 4), compressed: false)
        let error = try #require(Self.failure(decoding: data, budget: MemoryBudget(bytes: 8 << 10)))
        #expect(error.reason == .overBudget(
            "entry 'big.npy' declares 16.1 KiB uncompressed, over the memory budget of 8.0 KiB (--max-memory)"), "\(error)")
        // The same archive within the budget reads.
        #expect(Self.failure(decoding: data) == nil)
    }

    @Test func emptyFileAndEmptyArchiveSayWhatTheyAre() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.npz")
        try Data().write(to: empty)
        #expect(throws: NumPyError(source: empty.path, reason: .notZipArchive("empty file, 0 bytes"))) {
            try NpzArchive.read(from: empty)
        }
        // End-of-central-directory record alone: a zip of nothing, as np.savez() writes it.
        let noMembers = directory.appendingPathComponent("none.npz")
        try Data([0x50, 0x4b, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)).write(to: noMembers)
        #expect(throws: NumPyError(source: noMembers.path, reason: .noArrays)) { try NpzArchive.read(from: noMembers) }
    }

    @Test func npyFileOverTheBudget() throws {
        let bytes = Self.npy(declaring: [4096], dataBytes: 4096 * 4)
        let error = MemoryBudget.$current.withValue(MemoryBudget(bytes: 8 << 10)) { () -> NumPyError? in
            do {
                _ = try NpyFile.decode(bytes, source: "x.npy")
                return nil
            } catch {
                return error as? NumPyError ?? NumPyError(source: "?", reason: .io("unexpected \(error)"))
            }
        }
        #expect(error?.reason == .overBudget("shape [4096] needs 16.0 KiB, over the memory budget of 8.0 KiB (--max-memory)"))
        // Declared far beyond what is present: the shortfall is what is reported.
        #expect(throws: NumPyError(source: "x.npy", reason: .truncatedData(expected: 3 << 30, got: 16))) {
            try NpyFile.decode(Self.npy(declaring: Self.hugeShape, dataBytes: 16), source: "x.npy")
        }
    }
}
