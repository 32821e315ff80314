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

    /// The most a JSON member (config.json, metadata.json) may hold: far above any real architecture
    /// (ResNet-152's config is ~600 KB), and never more than the memory budget.
    static let jsonCap = 64 << 20
    /// Bytes per read from the archive: big enough that a 500 MB weights file is a few hundred writes.
    static let chunk = 1 << 20

    init(_ url: URL) throws {
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

    /// The weights member opened by libhdf5. libhdf5 reads files, so the member is streamed into a file
    /// of a private temporary folder (mode 0700, the file 0600, created exclusively) that is removed as soon
    /// as libhdf5 has it open, or when anything fails; the open file stays readable until it is closed.
    /// The weights end up in memory as the model's initializers, so a member declaring more than the
    /// memory budget is refused before anything is written.
    func weights(_ name: String) throws -> HDF5File {
        let entry = try self.entry(name)
        let budget = MemoryBudget.current
        let size = try declaredSize(entry, name, cap: budget.bytes, capName: "the memory budget of \(budget) (--max-memory)")
        let folder = try PrivateFolder()
        defer { folder.remove() }
        let path = folder.path + "/model.weights.h5"
        TemporaryFiles.process.register(URL(fileURLWithPath: path))
        defer { TemporaryFiles.process.unregister(URL(fileURLWithPath: path)) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KerasError.malformedConfig("cannot write a temporary copy of \(name) (\(String(cString: strerror(errno))))")
        }
        let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        // Stored members (what Keras writes) are copied without the CRC pass: libhdf5 checks the
        // structure it reads, and the pass costs as much as the copy.
        try stream(entry, name, size: size, verify: entry.isCompressed) { chunk in
            do {
                try output.write(contentsOf: chunk)
            } catch {
                throw KerasError.malformedConfig("cannot write a temporary copy of \(name) (\(error.localizedDescription))")
            }
        }
        try output.close()
        return try Self.naming(name, temporary: path) { try HDF5File(path: path) }
    }

    /// Runs `body`, with libhdf5 errors about the temporary copy naming the member instead
    /// ("model.weights.h5: /layers/dense/vars/0: …"), since the user never saw the copy's path.
    static func naming<T>(_ member: String, temporary: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HDF5Error where error.file == temporary {
            throw HDF5Error(file: member, object: error.object, message: error.message)
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

/// A folder only this user can read (mkdtemp: mode 0700, a name no one else can take), removed with
/// everything in it by `remove()`.
struct PrivateFolder {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/onnx-convert-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard let made else {
            throw KerasError.malformedConfig("cannot make a private temporary folder (\(String(cString: strerror(errno))))")
        }
        path = String(cString: made)
        TemporaryFiles.process.register(URL(fileURLWithPath: path))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
        TemporaryFiles.process.unregister(URL(fileURLWithPath: path))
    }
}

/// A weight source reading the temporary copy of a .keras member, its errors naming the member.
struct ZipMemberWeights: KerasWeightSource {
    let source: any KerasWeightSource
    let member: String
    let temporary: String

    func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight] {
        try KerasZip.naming(member, temporary: temporary) { try source.weights(for: layer, scope: scope) }
    }
}
