import CHDF5
import Foundation

/// The allocator libhdf5 uses for variable-length data read through a transfer list: malloc, but only up
/// to `limit` bytes in all. A damaged length in a heap reference then fails the read instead of asking
/// for gigabytes. libhdf5 calls back on the thread that holds HDF5Lock, one read at a time, so the
/// counters need no lock of their own.
final class HDF5BoundedAllocator {
    let limit: Int
    private(set) var used = 0
    /// Whether an allocation was refused, which turns the failed read into a size error.
    private(set) var refused = false

    init(limit: Int) {
        self.limit = limit
    }

    /// A dataset transfer property list that allocates through `self`; close it with H5Pclose. The
    /// allocator must outlive every read made with it. Lock held.
    func transferList(error: (String) -> HDF5Error) throws(HDF5Error) -> hid_t {
        let list = H5Pcreate(chdf5_p_dataset_xfer())
        guard list >= 0 else { throw error("cannot create a transfer property list") }
        let info = Unmanaged.passUnretained(self).toOpaque()
        let allocate: H5MM_allocate_t = { size, info in
            guard let info else { return nil }
            return Unmanaged<HDF5BoundedAllocator>.fromOpaque(info).takeUnretainedValue().allocate(size)
        }
        let release: H5MM_free_t = { memory, _ in free(memory) }
        guard H5Pset_vlen_mem_manager(list, allocate, info, release, nil) >= 0 else {
            H5Pclose(list)
            throw error("cannot set the variable-length allocator")
        }
        return list
    }

    private func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        let (total, overflow) = used.addingReportingOverflow(size)
        guard !overflow, total <= limit else {
            refused = true
            return nil
        }
        used = total
        return malloc(max(size, 1))
    }
}
