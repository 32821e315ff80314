import Foundation
import HDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A zip archive mapped into memory, so that a stored member can be handed to libhdf5 where it lies.
/// The mapping is private: nothing written to it ever reaches the file.
final class MappedArchive: @unchecked Sendable {
    // @unchecked: the mapping never changes after init and is only read.
    private let base: UnsafeMutableRawPointer
    private let count: Int

    /// Nil when the file cannot be mapped (not a regular file, empty, out of address space): callers then
    /// read the member through the zip library instead.
    init?(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
              let size = Int(exactly: info.st_size) else { return nil }
        guard let pointer = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0), pointer != MAP_FAILED else {
            return nil
        }
        base = pointer
        count = size
    }

    deinit { munmap(base, count) }

    /// Where the data of the stored member `name` lies in the archive (see `ZipLocalHeaders`), or nil.
    func storedData(named name: String) -> Range<Int>? {
        // The walk reads the mapping through a raw pointer: self must outlive it.
        withExtendedLifetime(self) {
            ZipLocalHeaders(bytes: UnsafeRawBufferPointer(start: base, count: count)).storedData(named: name)
        }
    }

    /// The bytes in `range` as an HDF5 file image that keeps the whole mapping alive.
    func image(_ range: Range<Int>) -> HDF5FileImage {
        let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(start: base, count: count)[range])
        return HDF5FileImage(bytes: bytes, release: { withExtendedLifetime(self) {} },
                             dropPages: { _ = madvise(self.base, self.count, MADV_DONTNEED) })
    }
}

/// The local file headers of a zip archive, walked from its first byte: each header gives a member's
/// name, method and sizes, and the next header follows the member's data. Every field is bounds-checked;
/// a walk that meets anything it does not understand (a data descriptor, a prefix before the first
/// header, a truncated header) finds nothing rather than guessing.
struct ZipLocalHeaders {
    let bytes: UnsafeRawBufferPointer

    private static let signature: UInt32 = 0x0403_4B50
    private static let fixedSize = 30
    private static let zip64ExtraID: UInt16 = 0x0001

    /// Where the data of the stored (uncompressed) member `name` lies, or nil.
    func storedData(named name: String) -> Range<Int>? {
        let wanted = Array(name.utf8)
        var offset = 0
        while let header = header(at: offset) {
            if header.name.elementsEqual(wanted) { return header.method == 0 ? header.data : nil }
            offset = header.data.upperBound
        }
        return nil
    }

    private struct Header {
        let name: UnsafeRawBufferPointer
        let method: UInt16
        let data: Range<Int>
    }

    private func header(at offset: Int) -> Header? {
        guard offset >= 0, bytes.count - offset >= Self.fixedSize, uint32(offset) == Self.signature else { return nil }
        let flags = uint16(offset + 6), method = uint16(offset + 8)
        // Bit 3: the sizes follow the data in a descriptor, so the header alone cannot say where it ends.
        guard flags & 0x0008 == 0 else { return nil }
        let nameLength = Int(uint16(offset + 26)), extraLength = Int(uint16(offset + 28))
        let nameStart = offset + Self.fixedSize, extraStart = nameStart + nameLength, dataStart = extraStart + extraLength
        guard dataStart <= bytes.count else { return nil }
        var packed = UInt64(uint32(offset + 18))
        if packed == 0xFFFF_FFFF {
            guard let zip64 = zip64CompressedSize(extra: extraStart..<dataStart) else { return nil }
            packed = zip64
        }
        guard packed <= UInt64(bytes.count - dataStart) else { return nil }
        return Header(name: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<extraStart]), method: method,
                      data: dataStart..<dataStart + Int(packed))
    }

    /// The compressed size from a ZIP64 extra field, which in a local header holds both sizes
    /// (uncompressed first).
    private func zip64CompressedSize(extra: Range<Int>) -> UInt64? {
        var field = extra.lowerBound
        while extra.upperBound - field >= 4 {
            let id = uint16(field), length = Int(uint16(field + 2))
            guard extra.upperBound - field - 4 >= length else { return nil }
            if id == Self.zip64ExtraID { return length >= 16 ? uint64(field + 12) : nil }
            field += 4 + length
        }
        return nil
    }

    private func uint16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    private func uint32(_ at: Int) -> UInt32 { UInt32(uint16(at)) | UInt32(uint16(at + 2)) << 16 }
    private func uint64(_ at: Int) -> UInt64 { UInt64(uint32(at)) | UInt64(uint32(at + 4)) << 32 }
}
