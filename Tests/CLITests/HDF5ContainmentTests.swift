import Foundation
import Testing

/// `keras` on `.h5` files that made libhdf5 crash or loop (issue 16): byte flips of the bundled fixtures
/// found by `scripts/mutate-fixtures.py` (seed 16) and `scripts/mutation-run.py`. Each flip is redone here
/// from its case name (fixture, offset, XOR mask), so no damaged file is committed. Every run must end
/// with exactly one stderr line, exit 2, nothing left in the output folder, and within its time limit.
@Suite struct HDF5ContainmentTests {
    /// One byte of a fixture XORed with `mask`, as `<fixture>.flip-<i>-o<offset>-x<mask>.h5` names it.
    struct Flip: Sendable, CustomTestStringConvertible {
        var fixture: String
        var offset: Int
        var mask: UInt8
        /// What the error line must say after `error: <file>: `.
        var expected: String

        var testDescription: String { "\(fixture) byte \(offset) ^ 0x\(String(mask, radix: 16))" }

        func bytes() throws -> Data {
            var data = try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("testdata/\(fixture)"))
            data[offset] ^= mask
            return data
        }
    }

    /// SIGSEGV in libhdf5 (8 of 3,600 flips; a heap libhdf5 corrupted can also end in SIGABRT from malloc,
    /// or crash after libhdf5 returned, so only "crashed" and the blame on the file are required), an endless loop reading `model_config`, and three whose
    /// variable-length lengths made libhdf5 allocate 1.8–7 GB (now refused by the child's RLIMIT_AS).
    static let flips: [Flip] = [
        Flip(fixture: "keras/k2/cnn.h5", offset: 7100, mask: 0x04, expected: "crashed (signal"),
        Flip(fixture: "keras/k2/embedding.h5", offset: 7687, mask: 0x1f, expected: "crashed (signal"),
        Flip(fixture: "keras/k2/functional.h5", offset: 20566, mask: 0x08, expected: "crashed (signal"),
        Flip(fixture: "keras/k2/rnn.h5", offset: 5329, mask: 0x80, expected: "crashed (signal"),
        Flip(fixture: "keras/k3/cnn.h5", offset: 1055, mask: 0xc3, expected: "crashed (signal"),
        Flip(fixture: "keras/k3/conv1d.h5", offset: 13509, mask: 0x80, expected: "crashed (signal"),
        Flip(fixture: "keras/k3/mlp.h5", offset: 4959, mask: 0x01, expected: "crashed (signal"),
        Flip(fixture: "keras/k3/transformer.h5", offset: 8301, mask: 0x01, expected: "crashed (signal"),
        Flip(fixture: "keras/k2/mlp.h5", offset: 4456, mask: 0xcd, expected: "libhdf5 did not finish within 5 s reading attribute 'model_config' of /; the file is damaged"),
        Flip(fixture: "keras/k3/cnn.h5", offset: 29267, mask: 0xeb, expected: "/model_weights/dense: attribute 'weight_names': cannot read strings"),
        Flip(fixture: "keras/k2/cnn.h5", offset: 19887, mask: 0x10, expected: "/model_weights/conv2d_1: attribute 'weight_names': cannot read strings"),
        Flip(fixture: "keras/k2/mlp.h5", offset: 14854, mask: 0x68, expected: "/model_weights/dense_2: attribute 'weight_names': cannot read strings"),
    ]

    @Test(arguments: flips) func damagedFileGivesOneErrorLine(_ flip: Flip) throws {
        let folder = try Fixtures.temporaryDirectory(prefix: "HDF5Containment")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("damaged.h5")
        try flip.bytes().write(to: input)
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let start = Date()
        let result = try Self.run(["keras", input.path, "-o", out.appendingPathComponent("model.onnx").path],
                                  environment: ["ONNX_CONVERT_TIME_LIMIT": "5"])
        #expect(result.exited(2), "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderrLines.first?.hasPrefix("error: \(input.path): ") == true, "\(result)")
        #expect(result.stderr.contains(flip.expected), "\(result)")
        // A crash is libhdf5's, or a later one in a heap libhdf5 corrupted: either way the file is blamed.
        #expect(!result.stderr.contains("crashed") || result.stderr.contains("the file is"), "\(result)")
        #expect(Fixtures.contents(of: out).isEmpty, "\(Fixtures.contents(of: out))")
        #expect(Date().timeIntervalSince(start) < 30)
    }

    /// A healthy file converts the same way with and without the child process: same stdout shape,
    /// same warnings, same model bytes, exit 0.
    @Test func containedConversionMatchesInProcess() throws {
        let folder = try Fixtures.temporaryDirectory(prefix: "HDF5Containment")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Fixtures.packageRoot.appendingPathComponent("testdata/keras/k2/cnn.h5").path
        let contained = folder.appendingPathComponent("contained.onnx")
        let direct = folder.appendingPathComponent("direct.onnx")
        let first = try Self.run(["keras", input, "-o", contained.path], environment: [:])
        let second = try Self.run(["keras", input, "-o", direct.path], environment: ["ONNX_CONVERT_CONTAINMENT": "off"])
        #expect(first.exited(0), "\(first)")
        #expect(second.exited(0), "\(second)")
        #expect(first.stderr == second.stderr)
        #expect(first.stdout.hasPrefix("layers 9, nodes 14"), "\(first)")
        #expect(try Data(contentsOf: contained) == Data(contentsOf: direct))
        #expect(Fixtures.contents(of: folder) == ["contained.onnx", "direct.onnx"])
    }

    /// The child's own one-line errors and exit codes come through unchanged.
    @Test func childErrorsPassThrough() throws {
        let folder = try Fixtures.temporaryDirectory(prefix: "HDF5Containment")
        defer { try? FileManager.default.removeItem(at: folder) }
        let weightsOnly = Fixtures.packageRoot.appendingPathComponent("testdata/keras/k2/cnn_weights.h5").path
        let result = try Self.run(["keras", weightsOnly, "-o", folder.appendingPathComponent("m.onnx").path],
                                  environment: [:])
        #expect(result.exited(2), "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.contains("no model_config attribute"), "\(result)")
        #expect(Fixtures.contents(of: folder).isEmpty)
    }

    /// `CLI.run` with extra environment variables (the containment's time limit and switch).
    static func run(_ arguments: [String], environment: [String: String]) throws -> CLIResult {
        let scratch = try Fixtures.temporaryDirectory(prefix: "HDF5ContainmentRun")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        // The child's own limit is 5 s in these tests; a run that outlives CLI.timeout has escaped it.
        if finished.wait(timeout: .now() + CLI.timeout) == .timedOut {
            process.terminate()
            finished.wait()
            Issue.record("onnx-convert \(arguments.joined(separator: " ")) did not finish in \(Int(CLI.timeout)) s")
        }
        return CLIResult(
            arguments: arguments, status: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
