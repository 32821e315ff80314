import Foundation
import Testing

/// What one run of the `onnx-convert` executable did.
struct CLIResult: CustomStringConvertible {
    var arguments: [String]
    /// The exit code, or the signal number when `signalled`.
    var status: Int32
    var signalled: Bool
    var stdout: String
    var stderr: String

    /// stderr split into lines, without the empty string after the final newline.
    var stderrLines: [String] {
        // Every character a terminal or an editor breaks a line at, not only "\n".
        var lines = stderr.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Exit code `code`, by a normal exit (not a crash).
    func exited(_ code: Int32) -> Bool { !signalled && status == code }

    var description: String {
        "onnx-convert \(arguments.joined(separator: " ")) → "
            + (signalled ? "signal \(status)" : "exit \(status)")
            + "\n--- stdout\n\(stdout)--- stderr\n\(stderr)---"
    }
}

/// Runs the `onnx-convert` executable that `swift build --build-tests` put next to the test bundle.
enum CLI {
    /// The executable: `ONNX_CONVERT` if set; else the products folder of the running test bundle (on Linux
    /// the folder holding `onnx-convertPackageTests.xctest`, which is also `CommandLine.arguments[0]`);
    /// else `.build/debug/onnx-convert` under the package root.
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["ONNX_CONVERT"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var candidates: [URL] = []
        for start in [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])] {
            // Walk up from the bundle or runner path until a folder holding the executable is found.
            var folder = start.standardizedFileURL
            for _ in 0..<4 {
                candidates.append(folder.appendingPathComponent("onnx-convert"))
                folder.deleteLastPathComponent()
            }
        }
        candidates.append(Fixtures.packageRoot.appendingPathComponent(".build/debug/onnx-convert"))
        let found = candidates.first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: url.path)
        }
        return found ?? candidates.last!
    }()

    /// Longest a single run may take before it is killed and recorded as an issue.
    static let timeout: TimeInterval = 120

    /// Runs `onnx-convert arguments…` in `directory` (default: the current one) with stdin closed, and
    /// collects stdout, stderr and the exit status. stdout and stderr go to files, not pipes, so a chatty
    /// process can never block on a full pipe.
    /// With `interruptAfter`, the process is sent `signal` that many seconds after it started.
    static func run(_ arguments: [String], in directory: URL? = nil, interruptAfter: TimeInterval? = nil, signal: Int32 = SIGTERM,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIResult {
        let scratch = try Fixtures.temporaryDirectory(prefix: "CLIRunner")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if let interruptAfter, finished.wait(timeout: .now() + interruptAfter) == .timedOut {
            kill(process.processIdentifier, signal)
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            finished.wait()
            Issue.record("onnx-convert \(arguments.joined(separator: " ")) did not finish in \(Int(timeout)) s", sourceLocation: sourceLocation)
        }
        try outHandle.close()
        try errHandle.close()
        return CLIResult(
            arguments: arguments,
            status: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
