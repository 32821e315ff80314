import Foundation

/// The temporaries a killed child leaves in the output's folder. `StagedFiles` writes each output as
/// `.<name>.<8 hex>.tmp` beside its destination and removes it on failure, but a child that dies by a
/// signal removes nothing; the parent removes those that appeared while the child ran.
struct StagedTemporaries {
    let folder: URL
    private let before: Set<String>

    init(output: String) {
        folder = URL(fileURLWithPath: output).deletingLastPathComponent()
        before = Set(Self.temporaries(in: folder))
    }

    func removeNew() {
        for name in Self.temporaries(in: folder) where !before.contains(name) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    private static func temporaries(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter(isStaged)
    }

    /// `.<name>.<8 hex digits>.tmp`, as `StagedFiles.stage` names them.
    static func isStaged(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
        let parts = name.dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, let tag = parts.last else { return false }
        return tag.count == 8 && tag.allSatisfy(\.isHexDigit)
    }
}
