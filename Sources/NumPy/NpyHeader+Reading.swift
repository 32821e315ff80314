import Foundation

extension NpyHeader {
    /// Reads magic, version, length and header text from the start of `file`.
    /// Returns the header and the offset of the first data byte (relative to the start of `file`).
    ///
    /// All reads go through `dropFirst`/`prefix`, which clamp to the bytes present, and each result's
    /// length is checked, so a short or random file ends in a `NumPyError`, never a trap.
    static func read(from file: Data, source: String) throws(NumPyError) -> (header: NpyHeader, dataOffset: Int) {
        let magicBytes = Array(file.prefix(magic.count))
        // Compare what is there first: random bytes are "bad magic" even when shorter than the magic.
        guard magicBytes.elementsEqual(magic.prefix(magicBytes.count)) else {
            throw NumPyError(source: source, reason: .badMagic)
        }
        let version = try readVersion(file, source: source)
        let length = Array(file.dropFirst(magic.count + 2).prefix(version.lengthFieldSize))
        guard length.count == version.lengthFieldSize else {
            throw NumPyError(source: source, reason: .truncatedHeader(expected: version.preambleSize,
                                                                      got: file.count))
        }
        let headerLength = length.reversed().reduce(0) { $0 << 8 | Int($1) }
        let dataOffset = version.preambleSize + headerLength
        let textBytes = file.dropFirst(version.preambleSize).prefix(headerLength)
        guard textBytes.count == headerLength else {
            throw NumPyError(source: source, reason: .truncatedHeader(expected: dataOffset, got: file.count))
        }
        let text = try decodeText(textBytes, version: version, source: source)
        return (try NpyHeader(text: text, source: source), dataOffset)
    }

    private static func readVersion(_ file: Data, source: String) throws(NumPyError) -> NpyFormatVersion {
        let bytes = Array(file.dropFirst(magic.count).prefix(2))
        guard bytes.count == 2, let major = bytes.first, let minor = bytes.last else {
            // The version and length fields are at least 2 + 2 more bytes.
            throw NumPyError(source: source, reason: .truncatedHeader(expected: magic.count + 4, got: file.count))
        }
        guard let version = NpyFormatVersion(major: major, minor: minor) else {
            throw NumPyError(source: source, reason: .unsupportedVersion(major: major, minor: minor))
        }
        return version
    }

    /// Versions 1 and 2 store latin-1, where every byte is the code point of the same value; 3 stores UTF-8.
    private static func decodeText(_ bytes: Data, version: NpyFormatVersion, source: String)
        throws(NumPyError) -> String
    {
        guard version == .v3 else {
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw NumPyError(source: source, reason: .malformedHeader("version 3.0 header is not valid UTF-8"))
        }
        return text
    }
}
