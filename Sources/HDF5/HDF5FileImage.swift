/// A whole HDF5 file held in memory — a member of a zip archive mapped in place, or inflated into a
/// buffer — that libhdf5 reads where it lies, without a copy and without a temporary file.
///
/// The bytes must stay valid for as long as any file opened from the image lives: `HDF5File` keeps the
/// image, and the image calls `release` (an munmap, a deallocate) when it goes away.
public final class HDF5FileImage: @unchecked Sendable {
    // @unchecked: the bytes are never written after creation (libhdf5 opens the image read-only), and
    // `release` runs once, from deinit.

    let bytes: UnsafeRawBufferPointer
    private let release: () -> Void
    private let dropPages: (() -> Void)?

    /// `dropPages`, for bytes mapped from a file: gives back the pages read so far (they are read again
    /// from the file if libhdf5 needs them), so that a 500 MB member read in place does not stay resident
    /// beside the weights copied out of it.
    public init(bytes: UnsafeRawBufferPointer, release: @escaping () -> Void, dropPages: (() -> Void)? = nil) {
        self.bytes = bytes
        self.release = release
        self.dropPages = dropPages
    }

    /// Called after each dataset is read.
    func dropResidentPages() { dropPages?() }

    /// An image in memory of its own, `count` bytes filled by `fill`; freed when the image goes away.
    public static func filled(count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows -> HDF5FileImage {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        do {
            try fill(buffer)
        } catch {
            buffer.deallocate()
            throw error
        }
        let pointer = UnsafeMutableRawPointer(buffer.baseAddress)
        return HDF5FileImage(bytes: UnsafeRawBufferPointer(buffer)) { pointer?.deallocate() }
    }

    deinit { release() }

    /// Whether the bytes start with HDF5's superblock signature, where libhdf5 looks for it: at 0, 512,
    /// 1024, 2048 … (a user block may precede the superblock).
    var hasSignature: Bool {
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var offset = 0
        while offset + signature.count <= bytes.count {
            if bytes[offset..<offset + signature.count].elementsEqual(signature) { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }
}
