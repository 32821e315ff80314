import Foundation
import Limits
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

extension HostileTensorFileTests {
    /// A `.pb` larger than the budget is refused before it is read.
    @Test func tensorProtoFileOverTheBudget() throws {
        let url = Fixtures.cnnTestDataSet.appendingPathComponent("input_0.pb")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber).intValue
        let message = MemoryBudget.$current.withValue(MemoryBudget(bytes: size - 1)) { () -> String? in
            do {
                _ = try TensorProtoFile.read(from: url)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(message?.hasPrefix("\(url.path): file of ") == true && message?.contains("over the memory budget") == true,
                "\(message ?? "no error")")
        #expect(throws: Never.self) { try TensorProtoFile.read(from: url) }
    }
}
