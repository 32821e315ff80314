import CHDF5

/// The shape of a dataset's or attribute's dataspace and its element count, checked for overflow.
struct HDF5Extent: Equatable {
    /// `[]` for a scalar; `[0]` for a null dataspace (h5py's `Empty`), which holds no elements.
    let shape: [Int]
    let count: Int

    /// Reads `space`; `describe` builds the error for a damaged or oversized dataspace. Lock held.
    static func read(_ space: hid_t, error describe: (String) -> HDF5Error) throws(HDF5Error) -> HDF5Extent {
        switch H5Sget_simple_extent_type(space) {
        case H5S_SCALAR:
            return HDF5Extent(shape: [], count: 1)
        case H5S_NULL:
            return HDF5Extent(shape: [0], count: 0)
        case H5S_SIMPLE:
            return try simple(space, error: describe)
        default:
            throw describe("unreadable dataspace")
        }
    }

    private static func simple(_ space: hid_t, error describe: (String) -> HDF5Error) throws(HDF5Error)
        -> HDF5Extent
    {
        let rank = H5Sget_simple_extent_ndims(space)
        // HDF5 caps rank at 32 (H5S_MAX_RANK); anything else is a damaged header.
        guard rank >= 0, rank <= 32 else { throw describe("dataspace has invalid rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space, &dims, nil) == rank else {
            throw describe("cannot read the dataspace dimensions")
        }
        var shape: [Int] = []
        var count = 1
        for dim in dims {
            guard let size = Int(exactly: dim) else { throw describe("dimension \(dim) is too large") }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw describe("shape \(dims) has more elements than fit in memory") }
            shape.append(size)
            count = product
        }
        return HDF5Extent(shape: shape, count: count)
    }
}
