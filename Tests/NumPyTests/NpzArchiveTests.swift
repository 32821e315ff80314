import Foundation
import Testing
@testable import NumPy

/// `.npz` archives from np.savez / np.savez_compressed, our own archives, and damaged ones.
@Suite struct NpzArchiveTests {
    /// What make_fixtures.py passes to np.savez: weights (float32), bias (int64), flag (bool), in this order.
    private func expectSavezContents(_ entries: [NpzArchive.Entry]) {
        #expect(entries.map(\.name) == ["weights", "bias", "flag"])
        for (entry, dtype) in zip(entries, [NpyDType.float32, .int64, .bool]) {
            #expect(entry.array.shape == Fixtures.shape)
            #expect(Fixtures.holdsFormula(entry.array, for: dtype), "\(entry.name)")
        }
    }

    private func reason(reading url: URL) -> NumPyError.Reason? {
        do {
            _ = try NpzArchive.read(from: url)
            return nil
        } catch {
            return error.reason
        }
    }

    private func reason(decoding data: Data) -> NumPyError.Reason? {
        do {
            _ = try NpzArchive.decode(data, source: "x.npz")
            return nil
        } catch {
            return error.reason
        }
    }

    /// One array per dtype plus a scalar and an empty array, named after what they hold.
    private var everyKind: [(String, NpyArray)] {
        NpyDType.allCases.map { dtype in
            let data = Data((0..<(6 * dtype.itemSize)).map { UInt8(truncatingIfNeeded: $0 &* 53 &+ 7) })
            return (dtype.rawValue, NpyArray(dtype: dtype, shape: [2, 3], data: data))
        } + [("scalar", NpyArray(scalars: [Double(2.5)], shape: [])),
             ("empty", NpyArray(dtype: .float32, shape: [0, 4], data: Data()))]
    }

    @Test(arguments: ["savez.npz", "savez_compressed.npz"])
    func readsNumPyArchivesInOrder(file: String) throws {
        expectSavezContents(try NpzArchive.read(from: Fixtures.url(file)))
        expectSavezContents(try NpzArchive.decode(Fixtures.bytes(file), source: file))
    }

    @Test(arguments: [false, true])
    func roundTripsThroughAFile(compressed: Bool) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("all.npz")
        try NpzArchive.write(everyKind, to: url, compressed: compressed)
        let back = try NpzArchive.read(from: url)
        #expect(back.map(\.name) == everyKind.map(\.0))
        #expect(back.map(\.array) == everyKind.map(\.1))
        #expect(Fixtures.contents(of: directory) == ["all.npz"])
    }

    @Test(arguments: [false, true])
    func roundTripsInMemory(compressed: Bool) throws {
        let data = try NpzArchive.encode(everyKind, compressed: compressed)
        let back = try NpzArchive.decode(data, source: "memory.npz")
        #expect(back.map(\.name) == everyKind.map(\.0))
        #expect(back.map(\.array) == everyKind.map(\.1))
    }

    @Test func compressionShrinksRepetitiveData() throws {
        let zeros = [("zeros", NpyArray(floats: Array(repeating: 0, count: 4096)))]
        let stored = try NpzArchive.encode(zeros, compressed: false)
        let deflated = try NpzArchive.encode(zeros, compressed: true)
        #expect(deflated.count * 10 < stored.count)
    }

    @Test func sameArraysGiveIdenticalArchives() throws {
        #expect(try NpzArchive.encode(everyKind, compressed: true) == NpzArchive.encode(everyKind, compressed: true))
    }

    @Test func refusesRepeatedOrEmptyNames() {
        let array = NpyArray(floats: [1])
        #expect(throws: NumPyError.self) { try NpzArchive.encode([("a", array), ("a", array)], compressed: false) }
        #expect(throws: NumPyError.self) { try NpzArchive.encode([("", array)], compressed: false) }
    }

    @Test func memberThatIsNotNpyIsNamed() {
        #expect(reason(reading: Fixtures.url("not_npy_member.npz")) == .entryNotNpy("readme.txt"))
    }

    @Test func badMemberIsReportedWithArchiveAndMemberName() throws {
        let bad = NpyArray(dtype: .float32, shape: [2], data: Data(count: 8))
        var data = try NpzArchive.encode([("good", NpyArray(floats: [1])), ("bad", bad)], compressed: false)
        // Corrupt the second member's header text and fix nothing else: the CRC now disagrees.
        let range = try #require(data.lastRange(of: Data("'descr'".utf8)))
        data.replaceSubrange(range, with: Data("'DESCR'".utf8))
        guard case .corruptEntry(let name, let detail) = reason(decoding: data) else {
            Issue.record("corrupt member not reported")
            return
        }
        #expect(name == "bad.npy" && detail.contains("CRC"))
    }

    @Test func everyPrefixOfAnArchiveIsRejected() throws {
        let whole = try Fixtures.bytes("savez.npz")
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("cut.npz")
        for length in 0..<whole.count {
            try whole.prefix(length).write(to: url)
            #expect(reason(reading: url) != nil, "prefix of \(length) bytes")
            #expect(reason(decoding: whole.prefix(length)) != nil, "prefix of \(length) bytes in memory")
        }
    }

    @Test func randomBytesAreNotAZipArchive() {
        var random = SeededGenerator(state: 4)
        for _ in 0..<300 {
            let data = random.bytes(Int.random(in: 0...400, using: &random))
            guard case .notZipArchive = reason(decoding: data) else {
                Issue.record("random bytes not reported as not-a-zip")
                return
            }
        }
    }

    /// Flipped bytes anywhere in a real archive give arrays or an error, never a trap — in memory and on disk.
    @Test(arguments: ["savez.npz", "savez_compressed.npz"])
    func corruptedArchivesNeverTrap(file: String) throws {
        let original = try Fixtures.bytes(file)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("damaged.npz")
        var random = SeededGenerator(state: 5)
        for _ in 0..<400 {
            var damaged = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                damaged[Int.random(in: 0..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = reason(decoding: damaged)
            try damaged.write(to: url)
            _ = reason(reading: url)
        }
    }

    @Test func missingArchiveIsAnIOError() {
        guard case .io = reason(reading: Fixtures.url("missing.npz")) else {
            Issue.record("missing archive not reported as an I/O error")
            return
        }
    }
}
