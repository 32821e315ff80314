import CHDF5

/// The libhdf5 this binary is linked against. The Keras reader (a later issue) builds on this module.
public enum HDF5Library {
    /// `major.minor.release` of the linked libhdf5, as `H5get_libversion` reports it.
    public static func version() -> String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        guard H5get_libversion(&major, &minor, &release) >= 0 else { return "unknown" }
        return "\(major).\(minor).\(release)"
    }
}
