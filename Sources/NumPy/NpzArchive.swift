import Foundation
import Limits
import ZIPFoundation

/// numpy's `.npz`: a zip archive of `.npy` files, one per array, named `<name>.npy`. `np.savez` stores
/// the members, `np.savez_compressed` deflates them; both are read, and both can be written.
///
/// Arrays keep archive order. Errors name the archive and, for a bad member, `archive.npz/member.npy`.
public enum NpzArchive {
    public typealias Entry = (name: String, array: NpyArray)

    public static func read(from url: URL) throws(NumPyError) -> [Entry] {
        try read(from: url, source: url.path)
    }

    /// Decodes a whole `.npz` held in memory. `source` names it in errors.
    ///
    /// The bytes go through a temporary file: ZIPFoundation 0.9.20's in-memory backing traps when a
    /// damaged archive points past its end (upstream PR weichsel/ZIPFoundation#394, open), while its
    /// file backing just reads short, which the size and CRC checks here then report.
    public static func decode(_ data: Data, source: String) throws(NumPyError) -> [Entry] {
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("onnx-convert-\(UUID().uuidString).npz")
        do {
            try data.write(to: temporary, options: .withoutOverwriting)
        } catch {
            throw NumPyError(source: source, reason: .io("cannot stage the archive in a temporary file: \(error)"))
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        return try read(from: temporary, source: source)
    }

    private static func read(from url: URL, source: String) throws(NumPyError) -> [Entry] {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw NumPyError(source: source, reason: .io("cannot read: no such file, or not readable"))
        }
        // An empty file is there and readable; say so rather than "no such file".
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue
        if size == 0 { throw NumPyError(source: source, reason: .notZipArchive("empty file, 0 bytes")) }
        guard let tail = ZipDirectory.tail(of: url) else {
            throw NumPyError(source: source, reason: .io("cannot read: no such file, or not readable"))
        }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw NumPyError(source: source, reason: .notZipArchive(LibraryErrorText.describe(error)))
        }
        return try arrays(in: archive, statedCount: ZipDirectory.entryCount(tail: tail), source: source)
    }

    /// Writes `entries` as `<name>.npy` members, deflated if `compressed`, atomically (see `AtomicFile`).
    public static func write(_ entries: [(String, NpyArray)], to url: URL, compressed: Bool) throws(NumPyError) {
        let members = try encodeMembers(entries, source: url.path)
        try AtomicFile.write(to: url) { temporary throws(NumPyError) in
            do {
                let archive = try Archive(url: temporary, accessMode: .create)
                try add(members, to: archive, compressed: compressed)
            } catch {
                throw NumPyError(source: url.path, reason: .io("cannot write: \(error)"))
            }
        }
    }

    /// The `.npz` bytes `write` would produce.
    public static func encode(_ entries: [(String, NpyArray)], compressed: Bool, source: String = "npz")
        throws(NumPyError) -> Data
    {
        let members = try encodeMembers(entries, source: source)
        do {
            let archive = try Archive(accessMode: .create)
            try add(members, to: archive, compressed: compressed)
            guard let data = archive.data else { throw NumPyError(source: source, reason: .io("no archive data")) }
            return data
        } catch {
            throw error as? NumPyError ?? NumPyError(source: source, reason: .io("cannot build archive: \(LibraryErrorText.describe(error))"))
        }
    }

    // MARK: - Reading

    private static func arrays(in archive: Archive, statedCount: Int?, source: String) throws(NumPyError) -> [Entry] {
        let members = Array(archive)
        if let statedCount, statedCount != members.count {
            throw NumPyError(source: source, reason: .notZipArchive(
                "directory lists \(statedCount) entries but only \(members.count) are readable"))
        }
        guard !members.isEmpty else { throw NumPyError(source: source, reason: .noArrays) }
        var result: [Entry] = []
        for member in members {
            let path = member.path
            guard member.type == .file, path.hasSuffix(".npy") else {
                throw NumPyError(source: source, reason: .entryNotNpy(path))
            }
            let bytes = try extract(member, from: archive, source: source)
            result.append((String(path.dropLast(4)), try NpyFile.decode(bytes, source: "\(source)/\(path)")))
        }
        return result
    }

    /// The member's bytes, checked against the sizes and CRC the archive states: ZIPFoundation returns
    /// short data from a truncated member without complaint, and only computes the CRC.
    private static func extract(_ member: ZIPFoundation.Entry, from archive: Archive, source: String)
        throws(NumPyError) -> Data
    {
        let corrupt = { (detail: String) in
            NumPyError(source: source, reason: .corruptEntry(name: member.path, detail: detail))
        }
        let stated = try checkStatedSize(member, source: source)
        var bytes = Data()
        var headerChecked = false
        let checksum: CRC32
        do {
            checksum = try archive.extract(member) { chunk in
                // Stop a member that inflates past its stated size before it fills memory.
                guard bytes.count + chunk.count <= stated else { throw corrupt("larger than its stated size") }
                bytes.append(chunk)
                // As soon as the .npy header is in, hold it against the stated size: a header that
                // declares more data than the member holds ends the extraction here.
                if !headerChecked {
                    headerChecked = try checkHeader(bytes, stated: stated, member: member.path, source: source)
                }
            }
        } catch {
            throw error as? NumPyError ?? corrupt(LibraryErrorText.describe(error))
        }
        guard UInt64(bytes.count) == stated else { throw corrupt("\(bytes.count) of \(stated) bytes present") }
        guard checksum == member.checksum else { throw corrupt("CRC-32 mismatch") }
        return bytes
    }

    /// Most bytes one deflated byte can inflate to: deflate's limit is about 1032:1; the slack covers
    /// tiny members, whose headers weigh more than their data.
    static let maximumInflation = 1100
    static let inflationSlack = 4096

    /// The member's stated uncompressed size, checked before anything is inflated: against what its
    /// compressed size can produce and against the memory budget in force.
    private static func checkStatedSize(_ member: ZIPFoundation.Entry, source: String) throws(NumPyError) -> Int {
        let stated = member.uncompressedSize, compressed = member.compressedSize
        let corrupt = { (detail: String) in
            NumPyError(source: source, reason: .corruptEntry(name: member.path, detail: detail))
        }
        let (reachable, overflow) = compressed.multipliedReportingOverflow(by: UInt64(maximumInflation))
        guard stated <= UInt64(Int.max), overflow || stated <= reachable + UInt64(inflationSlack) else {
            throw corrupt("states \(stated) bytes uncompressed from \(compressed) compressed bytes, more than deflate can produce")
        }
        let budget = MemoryBudget.current
        guard Int(stated) <= budget.bytes else {
            throw NumPyError(source: source, reason: .overBudget(
                "entry '\(member.path)' declares \(MemoryBudget.format(Int(stated))) uncompressed, "
                + "over the memory budget of \(budget) (--max-memory)"))
        }
        return Int(stated)
    }

    /// Whether the `.npy` header at the start of `bytes` has been looked at (false: not all of it is in
    /// yet); throws when it declares more bytes than the member states, or a shape that cannot be counted.
    private static func checkHeader(_ bytes: Data, stated: Int, member: String, source: String) throws(NumPyError) -> Bool {
        let header: NpyHeader, dataOffset: Int
        do {
            (header, dataOffset) = try NpyHeader.read(from: bytes, source: "\(source)/\(member)")
        } catch {
            // Incomplete: look again when more is in. Malformed: the CRC check and `NpyFile.decode`
            // report it once the member is whole (a damaged member is a CRC error first).
            if case .truncatedHeader = error.reason, bytes.count < stated { return false }
            return true
        }
        let declared = NpyArray(dtype: header.dtype, shape: header.shape, data: Data()).byteCount
        guard let declared, case let (total, overflow) = declared.addingReportingOverflow(dataOffset), !overflow else {
            throw NumPyError(source: "\(source)/\(member)", reason: .malformedHeader("shape \(header.shape) is too large"))
        }
        guard total <= stated else {
            throw NumPyError(source: source, reason: .corruptEntry(
                name: member, detail: "its .npy header declares shape \(header.shape) (\(total) bytes), the entry holds \(stated)"))
        }
        return true
    }

    // MARK: - Writing

    /// Each entry's member path and `.npy` bytes, after checking names and arrays, so that nothing is
    /// written unless everything can be.
    private static func encodeMembers(_ entries: [(String, NpyArray)], source: String)
        throws(NumPyError) -> [(path: String, bytes: Data)]
    {
        var seen: Set<String> = []
        var members: [(path: String, bytes: Data)] = []
        for (name, array) in entries {
            guard !name.isEmpty, seen.insert(name).inserted else {
                throw NumPyError(source: source, reason: .invalidArray("entry name '\(name)' is empty or repeated"))
            }
            let path = name + ".npy"
            members.append((path, try NpyFile.encode(array, source: "\(source)/\(path)")))
        }
        return members
    }

    /// A fixed date (2000-01-01) keeps archives of the same arrays byte-identical between runs.
    private static let memberDate = Date(timeIntervalSince1970: 946_684_800)

    private static func add(_ members: [(path: String, bytes: Data)], to archive: Archive, compressed: Bool) throws {
        for (path, bytes) in members {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count),
                                 modificationDate: memberDate, compressionMethod: compressed ? .deflate : .none) {
                position, size in
                bytes.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
    }
}
