import Foundation

/// The temporary files this process is writing, so that an interrupt (SIGINT, SIGTERM) removes them
/// instead of leaving `.model.onnx.1a2b3c4d.tmp` beside the user's output.
///
/// Signals are delivered to the process, not to a caller, so this one registry is process-wide: writers
/// register a temporary path (a file, or a private folder) before creating it and unregister it once it
/// is renamed into place or removed; the CLI's signal handler calls `removeAll()` before it exits. It holds only paths, behind a lock.
public final class TemporaryFiles: @unchecked Sendable {
    public static let process = TemporaryFiles()

    private let lock = NSLock()
    private var paths: Set<String> = []

    public init() {}

    public func register(_ url: URL) {
        lock.withLock { _ = paths.insert(url.path) }
    }

    public func unregister(_ url: URL) {
        lock.withLock { _ = paths.remove(url.path) }
    }

    public var registered: Set<String> { lock.withLock { paths } }

    /// Removes every registered file and (empty once its files are gone) folder, and forgets them.
    public func removeAll() {
        let pending = lock.withLock { () -> Set<String> in
            defer { paths.removeAll() }
            return paths
        }
        // Longest paths first, so a folder's files go before the folder.
        for path in pending.sorted(by: { $0.count > $1.count }) where unlink(path) != 0 { rmdir(path) }
    }
}
