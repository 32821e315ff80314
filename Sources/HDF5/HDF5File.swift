import CHDF5
import Foundation

/// An HDF5 file opened read-only. Groups and datasets keep it alive; the file id closes when the last
/// of them goes away.
///
/// Groups and datasets hold an absolute path rather than an open id, and every operation opens and closes
/// what it needs under `HDF5Lock`. That keeps them plain Sendable values with no ids to leak.
public final class HDF5File: @unchecked Sendable {
    // @unchecked: the stored properties are immutable and `id` is only used under HDF5Lock.

    public let path: String
    let id: hid_t
    /// Bytes on disk, the ceiling for how much data the file can really hold (see `HDF5Elements.checkSize`).
    let byteCount: Int
    /// The memory the file is read from, when it was opened from an image; kept alive until the file closes.
    let image: HDF5FileImage?

    /// Opens `path`; throws an HDF5Error naming it when the file is missing, is not HDF5, or is damaged.
    public init(path: String) throws(HDF5Error) {
        self.path = path
        try Self.checkReadable(path)
        let opened = try HDF5Lock.run(file: path, object: "/") { () throws(HDF5Error) -> (hid_t, Int) in
            try Self.open(path)
        }
        id = opened.0
        byteCount = opened.1
        image = nil
    }

    /// Opens an HDF5 file held in memory, read in place; `name` is what errors call it (a zip member's
    /// name, say). Throws an HDF5Error naming it when the bytes are not HDF5 or are damaged.
    public init(image: HDF5FileImage, name: String) throws(HDF5Error) {
        path = name
        guard image.hasSignature, let base = image.bytes.baseAddress else {
            throw HDF5Error(file: name, object: nil, message: "not an HDF5 file")
        }
        let opened = try HDF5Lock.run(file: name, object: "/") { () throws(HDF5Error) -> (hid_t, Int) in
            // DONT_COPY and DONT_RELEASE: libhdf5 reads the caller's bytes and never frees them. Opened
            // read-only, it never writes them either (the mutable pointer is only the API's spelling).
            let flags = UInt32(H5LT_FILE_IMAGE_DONT_COPY | H5LT_FILE_IMAGE_DONT_RELEASE)
            let id = H5LTopen_file_image(UnsafeMutableRawPointer(mutating: base), image.bytes.count, flags)
            guard id >= 0 else {
                let detail = HDF5ErrorStack.innermostMessage().map { " (libhdf5: \($0))" } ?? ""
                throw HDF5Error(file: name, object: nil, message: "cannot open: truncated or corrupt\(detail)")
            }
            return (id, image.bytes.count)
        }
        id = opened.0
        byteCount = opened.1
        self.image = image
    }

    deinit {
        let id = id
        _ = HDF5Lock.run(file: path, object: "/") { H5Fclose(id) }
    }

    public var root: HDF5Group {
        HDF5Group(file: self, path: "/")
    }

    func error(_ object: String?, _ message: String) -> HDF5Error {
        HDF5Error(file: path, object: object, message: message)
    }

    /// `message`, followed by libhdf5's own reason when it has one. Call right after the failing call.
    func libraryError(_ object: String?, _ message: String) -> HDF5Error {
        guard let detail = HDF5ErrorStack.innermostMessage() else { return error(object, message) }
        return error(object, "\(message) (libhdf5: \(detail))")
    }

    /// A missing file, a directory or a FIFO gets a plain message instead of libhdf5's driver errors.
    private static func checkReadable(_ path: String) throws(HDF5Error) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HDF5Error(file: path, object: nil, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw HDF5Error(file: path, object: nil, message: "is a directory, not an HDF5 file")
        }
        // A FIFO or a device would block libhdf5's first read forever (or read without end).
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw HDF5Error(file: path, object: nil, message: "not a regular file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw HDF5Error(file: path, object: nil, message: "not readable")
        }
    }

    /// The file id and size. Lock held.
    private static func open(_ path: String) throws(HDF5Error) -> (hid_t, Int) {
        // H5Fis_hdf5 looks for the superblock signature; without one, "not an HDF5 file" is the whole story.
        let isHDF5 = H5Fis_hdf5(path)
        guard isHDF5 > 0 else {
            let detail = isHDF5 < 0 ? HDF5ErrorStack.innermostMessage().map { " (libhdf5: \($0))" } ?? "" : ""
            throw HDF5Error(file: path, object: nil, message: "not an HDF5 file\(detail)")
        }
        let id = H5Fopen(path, chdf5_f_acc_rdonly(), chdf5_p_default())
        guard id >= 0 else {
            // A signature but no readable superblock: truncated or otherwise damaged.
            let detail = HDF5ErrorStack.innermostMessage().map { " (libhdf5: \($0))" } ?? ""
            throw HDF5Error(file: path, object: nil, message: "cannot open: truncated or corrupt\(detail)")
        }
        var size: hsize_t = 0
        guard H5Fget_filesize(id, &size) >= 0, let byteCount = Int(exactly: size) else {
            H5Fclose(id)
            throw HDF5Error(file: path, object: nil, message: "cannot determine the file size")
        }
        return (id, byteCount)
    }
}
