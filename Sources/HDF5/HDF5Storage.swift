import CHDF5

/// Where a dataset's data is stored, checked before it is read: how many bytes the file can hold for it,
/// and that it stays inside this file. Every function expects HDF5Lock to be held.
enum HDF5Storage {
    /// Plain data must fit in the file, and contiguous data must lie inside it. Chunked data may be
    /// compressed or never written (chunks that read as the fill value), so it may claim more, but not
    /// beyond deflate's best ratio (about 1032:1): a damaged header cannot make the reader allocate without
    /// bound. Data kept in other files (external storage, virtual datasets) is refused: a hostile .h5
    /// could name any file on the machine.
    static func byteLimit(_ dataset: hid_t, file: HDF5File, path: String) throws(HDF5Error) -> Int {
        let plist = H5Dget_create_plist(dataset)
        guard plist >= 0 else { throw file.libraryError(path, "cannot read the dataset's creation properties") }
        defer { H5Pclose(plist) }
        let layout = H5Pget_layout(plist)
        guard layout != H5D_VIRTUAL, H5Pget_external_count(plist) == 0 else {
            throw file.error(path, "keeps its data in other files, which this reader does not open")
        }
        switch layout {
        case H5D_CHUNKED:
            let (limit, overflow) = file.byteCount.multipliedReportingOverflow(by: 1100)
            return overflow ? Int.max : limit
        case H5D_CONTIGUOUS:
            return try contiguousLimit(dataset, file: file, path: path)
        default:
            return file.byteCount
        }
    }

    /// Contiguous data starts at an address in the file and must end before the file does; unallocated
    /// storage (no address) reads as the fill value, so the file bounds it as a whole.
    private static func contiguousLimit(_ dataset: hid_t, file: HDF5File, path: String) throws(HDF5Error) -> Int {
        let address = H5Dget_offset(dataset)
        guard address != haddr_t.max else { return file.byteCount }
        guard let start = Int(exactly: address), start <= file.byteCount else {
            throw file.error(path, "data address \(address) is past the end of the file (\(file.byteCount) bytes)")
        }
        return file.byteCount - start
    }
}
