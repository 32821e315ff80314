import Foundation
import HDF5

/// The child side of `Containment`: applies the limits the parent computed, then runs the command with
/// an HDF5Observer that writes each libhdf5 entry and return to the progress pipe.
enum ContainedChild {
    static func run(contract: String, _ body: () throws -> Void) throws {
        let fields = Dictionary(contract.split(separator: ";").compactMap { field -> (String, Int)? in
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else { return nil }
            return (String(parts[0]), value)
        }, uniquingKeysWith: { _, last in last })
        #if os(Linux)
        if let bytes = fields["as"] { lower(__rlimit_resource_t(RLIMIT_AS.rawValue), to: bytes) }
        if let seconds = fields["cpu"] { lower(__rlimit_resource_t(RLIMIT_CPU.rawValue), to: seconds) }
        #else
        if let bytes = fields["as"] { lower(RLIMIT_AS, to: bytes) }
        if let seconds = fields["cpu"] { lower(RLIMIT_CPU, to: seconds) }
        #endif
        guard let descriptor = fields["fd"].flatMap(Int32.init(exactly:)), isPipe(descriptor) else {
            return try body()
        }
        let observer = HDF5Observer(
            willEnter: { file, object in report("B \(file)\t\(object)", to: descriptor) },
            didReturn: { report("E", to: descriptor) })
        try HDF5Observer.$current.withValue(observer) { try body() }
    }

    /// Sets the soft limit of `resource` to `value`, never above the hard limit nor above what is already
    /// in force (a caller's `ulimit -v` stays the tighter one).
    #if os(Linux)
    private typealias Resource = __rlimit_resource_t
    #else
    private typealias Resource = Int32
    #endif

    private static func lower(_ resource: Resource, to value: Int) {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return }
        let wanted = rlim_t(max(0, value))
        limit.rlim_cur = min(limit.rlim_cur, wanted, limit.rlim_max)
        _ = setrlimit(resource, &limit)
    }

    /// Only a pipe from a supervising parent is written to: a stray variable must not make the CLI write
    /// into whatever descriptor it names.
    private static func isPipe(_ descriptor: Int32) -> Bool {
        var status = stat()
        return fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO
    }

    /// One line, written whole (a pipe write of under 4 KiB is atomic) so that the parent sees it even if
    /// the next instruction crashes. Object paths come from the file: newlines are replaced.
    private static func report(_ line: String, to descriptor: Int32) {
        let clean = String(line.prefix(2000).map { $0.isNewline ? " " : $0 }) + "\n"
        let bytes = Array(clean.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(descriptor, base + offset, raw.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
