import Foundation
import Limits

/// Output files written beside their destination under temporary names and renamed into place together,
/// so a failed run leaves no partial output (and no temporary file) behind.
public final class StagedFiles {
    private var pending: [(temp: URL, final: URL)] = []

    public init() {}

    /// A temporary path in `destination`'s folder to write to.
    public func stage(_ destination: URL) throws -> URL {
        let temp = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        pending.append((temp, destination))
        TemporaryFiles.process.register(temp)
        return temp
    }

    /// Moves every staged file to its destination, replacing what was there. If one cannot be moved, the
    /// ones already moved are taken back and the files they replaced restored, so the destinations hold
    /// either all the new files or all the old ones (a model never points into another save's data file).
    public func commit() throws {
        var moved: [(final: URL, replaced: URL?)] = []
        for (temp, final) in pending {
            // Keep the file being replaced, as a second link, until every file is in place.
            let keep = final.deletingLastPathComponent()
                .appendingPathComponent(".\(final.lastPathComponent).\(UUID().uuidString.prefix(8)).old")
            let replaced: URL? = link(final.path, keep.path) == 0 ? keep : nil
            guard rename(temp.path, final.path) == 0 else {
                if let replaced { unlink(replaced.path) }
                for (final, replaced) in moved.reversed() {
                    if let replaced { rename(replaced.path, final.path) } else { unlink(final.path) }
                }
                throw FormatError(file: final.path, "cannot move the written file into place")
            }
            moved.append((final, replaced))
        }
        for case let (_, replaced?) in moved { unlink(replaced.path) }
        for (temp, _) in pending { TemporaryFiles.process.unregister(temp) }
        pending.removeAll()
    }

    /// Removes staged files not committed.
    public func discard() {
        for (temp, _) in pending {
            try? FileManager.default.removeItem(at: temp)
            TemporaryFiles.process.unregister(temp)
        }
        pending.removeAll()
    }
}
