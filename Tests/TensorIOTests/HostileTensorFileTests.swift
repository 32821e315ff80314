import Foundation
import Testing
import NumPy
import ONNX
@testable import TensorIO

/// `--inputs` files that are empty or hold nothing: the error says what the file is, in one line.
@Suite struct HostileTensorFileTests {
    private func message(reading url: URL) throws -> String? {
        let graph = try Fixtures.cnnGraph()
        do {
            _ = try TensorFiles.readInputs([url], for: graph)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func emptyNpzIsNotReportedAsMissing() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("x.npz")
        try Data().write(to: url)
        #expect(try message(reading: url) == "\(url.path): not a zip archive (empty file, 0 bytes)")
    }

    @Test func npzWithoutMembersSaysSo() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("x.npz")
        try Data([0x50, 0x4b, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)).write(to: url)
        #expect(try message(reading: url) == "\(url.path): the archive holds no arrays")
    }

    @Test func missingNpzIsStillReportedAsMissing() throws {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString).npz")
        #expect(try message(reading: url)?.contains("no such file") == true)
    }
}
