/// Everything that can go wrong reading or writing `.npy` / `.npz` data.
///
/// The description is one line, `<source>: <problem>`, so a CLI can print it as is and a user sees which
/// file (and, inside an `.npz`, which entry) is at fault. `source` is a path, `a.npz/w.npy` for an entry,
/// or whatever name the caller passed to a `decode` function.
public struct NumPyError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        /// The first six bytes are not `\x93NUMPY`.
        case badMagic
        /// A format version other than 1.0, 2.0 or 3.0.
        case unsupportedVersion(major: UInt8, minor: UInt8)
        /// The file ends inside the magic, the length field or the header text.
        case truncatedHeader(expected: Int, got: Int)
        /// The header text is not the Python dict literal numpy writes.
        case malformedHeader(String)
        /// A dtype this reader does not handle (strings, objects, records, datetimes, …).
        case unsupportedDType(String)
        /// The file ends before `shape` × item size bytes of data.
        case truncatedData(expected: Int, got: Int)
        /// An in-memory array whose `data` does not match its shape and dtype, or bad arguments.
        case invalidArray(String)
        /// The bytes are not a zip archive ZIPFoundation can open, or its directory is damaged.
        case notZipArchive(String)
        /// An `.npz` member whose name does not end in `.npy`.
        case entryNotNpy(String)
        /// An `.npz` member that cannot be extracted intact (bad CRC, short data, bad compression), or
        /// whose stated sizes contradict each other or its `.npy` header.
        case corruptEntry(name: String, detail: String)
        /// A zip archive without any member: `np.savez()` of nothing, or a damaged directory.
        case noArrays
        /// Data that would take more memory than the budget in force (`MemoryBudget.current`).
        case overBudget(String)
        /// The file system refused a read, write or rename.
        case io(String)
    }

    /// The file, archive entry or caller-given name the problem was found in.
    public var source: String
    public var reason: Reason

    public init(source: String, reason: Reason) {
        self.source = source
        self.reason = reason
    }

    public var description: String {
        Self.oneLine("\(source): \(reason.text)")
    }

    /// Header text and OS messages may contain newlines; a log line must not.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}

extension NumPyError.Reason {
    var text: String {
        switch self {
        case .badMagic:
            return "not a .npy file (bad magic; expected \\x93NUMPY)"
        case .unsupportedVersion(let major, let minor):
            return "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)"
        case .truncatedHeader(let expected, let got):
            return "truncated header: expected \(expected) bytes, got \(got)"
        case .malformedHeader(let detail):
            return "malformed header dict: \(detail)"
        case .unsupportedDType(let descr):
            return "unsupported dtype '\(descr)' (supported: \(NpyDType.supportedList))"
        case .truncatedData(let expected, let got):
            return "truncated data: expected \(expected) bytes, got \(got)"
        case .invalidArray(let detail):
            return "invalid array: \(detail)"
        case .notZipArchive(let detail):
            return "not a zip archive (\(detail))"
        case .entryNotNpy(let name):
            return "entry '\(name)' is not .npy"
        case .corruptEntry(let name, let detail):
            return "entry '\(name)' is corrupt: \(detail)"
        case .noArrays:
            return "the archive holds no arrays"
        case .overBudget(let detail):
            return detail
        case .io(let detail):
            return detail
        }
    }
}
