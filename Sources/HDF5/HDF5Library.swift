import CHDF5

/// The libhdf5 this binary is linked against. `HDF5File` and its groups and datasets read files with it.
public enum HDF5Library {
    /// `major.minor.release` of the linked libhdf5, as `H5get_libversion` reports it.
    public static func version() -> String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        let status = HDF5Lock.run { H5get_libversion(&major, &minor, &release) }
        guard status >= 0 else { return "unknown" }
        return "\(major).\(minor).\(release)"
    }
}
