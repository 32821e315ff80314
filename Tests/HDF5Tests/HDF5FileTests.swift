import Foundation
import Testing
@testable import HDF5

@Suite struct HDF5FileTests {
    @Test func opensAFileWrittenByLibhdf5() throws {
        let path = try SampleFile.create()
        defer { SampleFile.remove(path) }
        let file = try HDF5File(path: path)
        #expect(file.path == path)
        #expect(file.root.path == "/")
        #expect(try file.root.memberNames() == ["data", "model_weights"])
    }

    @Test func missingFileNamesThePath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID()).h5").path
        let error = try #require(throws: HDF5Error.self) { try HDF5File(path: path) }
        #expect(error.file == path)
        #expect(error.object == nil)
        #expect(error.description == "\(path): no such file")
    }

    @Test func directoryIsNotAnHDF5File() throws {
        let path = FileManager.default.temporaryDirectory.path
        let error = try #require(throws: HDF5Error.self) { try HDF5File(path: path) }
        #expect(error.description.hasPrefix("\(path): "))
    }

    @Test func randomBytesAreNotAnHDF5File() throws {
        let path = try scratchFile(Data((0..<4096).map { _ in UInt8.random(in: 0...255) }))
        defer { SampleFile.remove(path) }
        let error = try #require(throws: HDF5Error.self) { try HDF5File(path: path) }
        #expect(error.description == "\(path): not an HDF5 file")
    }

    @Test func emptyFileIsNotAnHDF5File() throws {
        let path = try scratchFile(Data())
        defer { SampleFile.remove(path) }
        let error = try #require(throws: HDF5Error.self) { try HDF5File(path: path) }
        #expect(error.description.hasPrefix("\(path): not an HDF5 file"))
    }

    @Test(arguments: [0.9, 0.5, 0.1])
    func truncatedCopyIsRefused(fraction: Double) throws {
        let original = try SampleFile.create()
        defer { SampleFile.remove(original) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: original))
        let path = try scratchFile(bytes.prefix(Int(Double(bytes.count) * fraction)))
        defer { SampleFile.remove(path) }
        let error = try #require(throws: HDF5Error.self) { try HDF5File(path: path) }
        #expect(error.file == path)
        #expect(error.description.hasPrefix("\(path): cannot open: truncated or corrupt"))
    }

    @Test func errorDescriptionJoinsFileObjectAndMessage() {
        let error = HDF5Error(file: "m.h5", object: "/a/b", message: "no such\ngroup")
        #expect(error.description == "m.h5: /a/b: no such group")
    }

    /// A file with `bytes` in a new temporary directory (removed with `SampleFile.remove`).
    private func scratchFile(_ bytes: Data) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("HDF5Tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("scratch.h5")
        try bytes.write(to: url)
        return url.path
    }
}
