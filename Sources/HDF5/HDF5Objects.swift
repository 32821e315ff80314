import CHDF5

/// Finding and opening objects by absolute path. Every function expects HDF5Lock to be held.
enum HDF5Objects {
    /// What `path` names, or nil when nothing (or a named datatype, or a dangling link) is there.
    static func kind(in file: HDF5File, _ path: String) -> HDF5ObjectKind? {
        for prefix in HDF5Path.prefixes(of: path) where H5Lexists(file.id, prefix, chdf5_p_default()) <= 0 {
            return nil
        }
        let object = H5Oopen(file.id, path, chdf5_p_default())
        guard object >= 0 else { return nil }
        defer { H5Oclose(object) }
        // H5Iget_type rather than H5Oget_info: the latter's signature differs between 1.10, 1.12 and 1.14.
        switch H5Iget_type(object) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return nil
        }
    }

    /// Checks that `path` is a `wanted`, with an error that says what is there instead.
    static func require(_ wanted: HDF5ObjectKind, in file: HDF5File, _ path: String) throws(HDF5Error) {
        switch kind(in: file, path) {
        case wanted?:
            return
        case nil:
            throw file.error(path, "no such \(wanted)")
        case let other?:
            throw file.error(path, "is a \(other), not a \(wanted)")
        }
    }

    /// Opens any object (group or dataset) to reach its attributes. Close with H5Oclose.
    static func open(in file: HDF5File, _ path: String) throws(HDF5Error) -> hid_t {
        let object = H5Oopen(file.id, path, chdf5_p_default())
        guard object >= 0 else { throw file.libraryError(path, "cannot open") }
        return object
    }
}
