import Foundation
import Limits
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file replacement: content goes to a temporary file beside the target, which is renamed over the
/// target only once complete. rename(2) within one directory is atomic, so readers see the old file or
/// the new one, and a failure part-way leaves neither a partial file nor a stray temporary.
enum AtomicFile {
    /// Calls `produce` to fill a fresh temporary URL in `url`'s directory, then moves it to `url`.
    static func write(to url: URL, _ produce: (URL) throws(NumPyError) -> Void) throws(NumPyError) {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        TemporaryFiles.process.register(temporary)
        defer { TemporaryFiles.process.unregister(temporary) }
        do throws(NumPyError) {
            try produce(temporary)
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw NumPyError(source: url.path, reason: .io("cannot move the written file into place: \(reason)"))
            }
        } catch {
            // The original error is what matters; a temporary that was never created cannot be removed.
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
