import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped into memory, read-only from the file's side.
///
/// `bytes(in:)` gives `Data` that shares the mapped pages instead of copying them, and keeps the mapping
/// alive for as long as any such `Data` lives — so tensors loaded from a 500 MB model cost no copy and no
/// extra memory beyond the page cache. The mapping is private and writable, so code that mutates a
/// tensor's `Data` in place changes only its own copy of a page, never the file.
final class MappedFile: @unchecked Sendable {
    let url: URL
    let count: Int
    private let base: UnsafeMutableRawPointer?

    init(_ url: URL) throws {
        self.url = url
        // Non-blocking, so that a FIFO given as a model or data file fails the regular-file check below
        // instead of waiting forever for a writer.
        let fd = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError(file: url.path, "cannot read file") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw FormatError(file: url.path, "not a regular file")
        }
        count = Int(info.st_size)
        guard count > 0 else {
            base = nil
            return
        }
        guard let pointer = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
            throw FormatError(file: url.path, "cannot map file into memory")
        }
        base = pointer
    }

    deinit {
        if let base { munmap(base, count) }
    }

    /// The bytes in `range`, sharing the mapping. The range must lie within the file.
    func bytes(in range: Range<Int>) -> Data {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the mapped file")
        guard let base, !range.isEmpty else { return Data() }
        return Data(
            bytesNoCopy: base + range.lowerBound, count: range.count,
            deallocator: .custom { [self] _, _ in withExtendedLifetime(self) {} })
    }

    /// The whole file, sharing the mapping.
    var data: Data { bytes(in: 0..<count) }

    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }
}
