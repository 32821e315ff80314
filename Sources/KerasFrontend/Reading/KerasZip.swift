import Foundation
import HDF5
import Limits
import ZIPFoundation
#if canImport(Glibc)
import Glibc
#endif

/// The members of a `.keras` zip, read with bounds: a member's declared size is checked before a byte of
/// it is inflated, and inflation stops the moment it passes that size or the cap. A `config.json` that
/// inflates to 3 GiB is one error line, not 6 GB of memory.
struct KerasZip {
    let archive: Archive
    let url: URL
    /// The archive's path as the user spelled it, which errors about its members start with.
    let path: String

    /// The most a JSON member (config.json, metadata.json) may hold: far above any real architecture
    /// (ResNet-152's config is ~600 KB), and never more than the memory budget.
    static let jsonCap = 64 << 20
    /// Bytes per read from the archive: big enough that a 500 MB weights file is a few hundred writes.
    static let chunk = 1 << 20

    init(_ url: URL, spelled path: String) throws {
        self.url = url
        self.path = path
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw KerasError.malformedConfig("not a .keras zip archive (\(error))")
        }
    }

    func contains(_ name: String) -> Bool { archive[name] != nil }

    /// A JSON member, whole, within `jsonCap` and the memory budget.
    func json(_ name: String) throws -> Data {
        let entry = try self.entry(name)
        let cap = min(Self.jsonCap, MemoryBudget.current.bytes)
        let size = try declaredSize(entry, name, cap: cap, capName: MemoryBudget.format(cap))
        var bytes = Data()
        bytes.reserveCapacity(size)
        try stream(entry, name, size: size, verify: true) { bytes.append($0) }
        return bytes
    }

    /// The weights member opened by libhdf5 where it lies: a stored member (what Keras writes) is read in
    /// place from the mapped archive, anything else is inflated into memory of its own. No temporary file:
    /// copying VGG16's 528 MB of weights out of the zip first made a .keras four times slower than its .h5.
    /// The weights end up in memory as the model's initializers, so a member declaring more than the
    /// memory budget is refused before anything is read.
    func weights(_ name: String) throws -> HDF5File {
        let entry = try self.entry(name)
        let budget = MemoryBudget.current
        let size = try declaredSize(entry, name, cap: budget.bytes, capName: "the memory budget of \(budget) (--max-memory)")
        let image = try storedImage(entry, name, size: size) ?? inflatedImage(entry, name, size: size)
        // Errors inside the member name the archive first: `cnn.keras: model.weights.h5: /layers/…`.
        return try HDF5File(image: image, name: "\(path): \(name)")
    }

    /// A stored member's bytes inside the mapped archive, or nil when they cannot be found from the local
    /// headers (compressed, sizes only in a data descriptor, data before the first member): then the
    /// member is inflated instead. The CRC-32 is not checked here, as libhdf5 checks the structure it
    /// reads and the pass would cost as much as reading the weights.
    private func storedImage(_ entry: Entry, _ name: String, size: Int) -> HDF5FileImage? {
        guard !entry.isCompressed, let mapped = MappedArchive(url) else { return nil }
        guard let range = mapped.storedData(named: name), range.count == size else { return nil }
        return mapped.image(range)
    }

    /// The member inflated (or copied) into memory of its own, stopping at the size it declares.
    private func inflatedImage(_ entry: Entry, _ name: String, size: Int) throws -> HDF5FileImage {
        try HDF5FileImage.filled(count: size) { buffer in
            var written = 0
            try stream(entry, name, size: size, verify: true) { chunk in
                chunk.withUnsafeBytes { bytes in
                    UnsafeMutableRawBufferPointer(rebasing: buffer[written..<written + bytes.count]).copyMemory(from: bytes)
                }
                written += chunk.count
            }
        }
    }

    private func entry(_ name: String) throws -> Entry {
        guard let entry = archive[name], entry.type == .file else { throw KerasError.malformedConfig("the .keras archive has no \(name)") }
        return entry
    }

    /// The member's declared size, refused above `cap`, or when it is not what its compression allows:
    /// a stored member is as long as its data, and deflate cannot expand more than 1032 to 1.
    private func declaredSize(_ entry: Entry, _ name: String, cap: Int, capName: String) throws -> Int {
        let size = entry.uncompressedSize, packed = entry.compressedSize
        guard size <= UInt64(cap) else {
            throw KerasError.malformedConfig("\(name) in the .keras archive declares \(size) bytes, more than \(capName)")
        }
        let plausible = entry.isCompressed ? size <= packed.multipliedReportingOverflow(by: 1032).partialValue + 1024 : size == packed
        guard plausible else {
            throw KerasError.malformedConfig("\(name) in the .keras archive declares \(size) bytes from \(packed) stored, which its compression cannot give")
        }
        return Int(size)
    }

    /// Feeds the member to `consume` chunk by chunk, stopping as soon as it passes `size`; with `verify`,
    /// checks its CRC-32.
    private func stream(_ entry: Entry, _ name: String, size: Int, verify: Bool, _ consume: (Data) throws -> Void) throws {
        var total = 0
        do {
            let checksum = try archive.extract(entry, bufferSize: Self.chunk, skipCRC32: !verify) { chunk in
                total += chunk.count
                guard total <= size else {
                    throw KerasError.malformedConfig("\(name) in the .keras archive holds more than the \(size) bytes it declares")
                }
                try consume(chunk)
            }
            guard total == size, !verify || checksum == entry.checksum else {
                throw KerasError.malformedConfig("\(name) in the .keras archive is damaged")
            }
        } catch let error as KerasError {
            throw error
        } catch {
            throw KerasError.malformedConfig("\(name) in the .keras archive is damaged (\(error))")
        }
    }
}
