import Foundation

/// The entry count a zip archive's end-of-central-directory record states.
///
/// ZIPFoundation's entry iterator stops quietly at the first directory record or local header it cannot
/// read, so a damaged `.npz` would look like a shorter one. Comparing the iterated count with this one
/// turns that into an error.
enum ZipDirectory {
    /// The record is 22 bytes plus a comment of at most 65535 bytes, so it lies in this many final bytes.
    static let searchWindow = 22 + Int(UInt16.max)
    private static let signature: [UInt8] = [0x50, 0x4b, 0x05, 0x06]

    /// The stated number of entries, found in the archive's last `searchWindow` bytes (`tail`).
    /// Nil when there is no record, or when it defers the count to a ZIP64 record (0xFFFF), which this
    /// does not read — the check is then skipped rather than guessed.
    static func entryCount(tail: Data) -> Int? {
        let bytes = [UInt8](tail)
        var start = bytes.count - 22
        while start >= 0 {
            if bytes[start..<(start + 4)].elementsEqual(signature) {
                let count = Int(bytes[start + 10]) | Int(bytes[start + 11]) << 8
                return count == 0xFFFF ? nil : count
            }
            start -= 1
        }
        return nil
    }

    /// The last `searchWindow` bytes of the file at `url`, or nil if it cannot be read.
    static func tail(of url: URL) -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let start = size > UInt64(searchWindow) ? size - UInt64(searchWindow) : 0
        guard (try? handle.seek(toOffset: start)) != nil else { return nil }
        return try? handle.readToEnd()
    }
}
