/// The `.npy` format versions: they differ only in the width of the header-length field and in the
/// header text's encoding (numpy's `format.py` documents all three).
public enum NpyFormatVersion: Sendable, CaseIterable {
    /// 2-byte header length, latin-1 text. What numpy writes whenever the header fits.
    case v1
    /// 4-byte header length (for headers over 64 KiB, e.g. very many dimensions), latin-1 text.
    case v2
    /// 4-byte header length, UTF-8 text (for non-latin-1 field names in structured dtypes).
    case v3

    init?(major: UInt8, minor: UInt8) {
        switch (major, minor) {
        case (1, 0): self = .v1
        case (2, 0): self = .v2
        case (3, 0): self = .v3
        default: return nil
        }
    }

    var major: UInt8 {
        switch self {
        case .v1: return 1
        case .v2: return 2
        case .v3: return 3
        }
    }

    /// Bytes of the little-endian header-length field after the magic and version.
    var lengthFieldSize: Int { self == .v1 ? 2 : 4 }

    /// Largest header (text plus padding) the length field can state.
    var maxHeaderLength: Int { self == .v1 ? Int(UInt16.max) : Int(UInt32.max) }

    /// Bytes before the header text: magic, two version bytes, length field.
    var preambleSize: Int { NpyHeader.magic.count + 2 + lengthFieldSize }
}
