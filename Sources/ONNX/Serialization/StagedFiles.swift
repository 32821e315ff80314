import Foundation

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
        return temp
    }

    /// Moves every staged file to its destination, replacing what was there.
    public func commit() throws {
        for (temp, final) in pending {
            guard rename(temp.path, final.path) == 0 else {
                throw FormatError(file: final.path, "cannot move the written file into place")
            }
        }
        pending.removeAll()
    }

    /// Removes staged files not committed.
    public func discard() {
        for (temp, _) in pending { try? FileManager.default.removeItem(at: temp) }
        pending.removeAll()
    }
}
