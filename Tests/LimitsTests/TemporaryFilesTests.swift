import Foundation
import Testing
import Limits

@Suite struct TemporaryFilesTests {
    @Test func removeAllTakesFilesThenTheirFolders() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("TemporaryFilesTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let file = folder.appendingPathComponent("model.weights.h5")
        try Data("x".utf8).write(to: file)
        let kept = FileManager.default.temporaryDirectory.appendingPathComponent("TemporaryFilesTests-kept-\(UUID().uuidString)")
        try Data("y".utf8).write(to: kept)
        defer { try? FileManager.default.removeItem(at: kept) }

        let registry = TemporaryFiles()
        registry.register(folder)
        registry.register(file)
        registry.register(kept)
        registry.unregister(kept)
        #expect(registry.registered == [folder.path, file.path])
        registry.removeAll()
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(FileManager.default.fileExists(atPath: kept.path))
        #expect(registry.registered.isEmpty)
    }
}
