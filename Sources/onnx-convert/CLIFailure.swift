import ArgumentParser
import Foundation
import ONNX

/// The process exit codes, as documented in `--help` and the README.
enum ExitStatus: Int32 {
    case ok = 0
    case parityFailure = 1
    case badInput = 2
    case unsupported = 3
}

/// A failure the CLI reports as one line, `error: <file>: <what>`, with its exit code.
struct CLIFailure: Error {
    var status: ExitStatus
    var message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    func report() -> Never {
        let firstLine = message.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? message
        FileHandle.standardError.write(Data("error: \(firstLine)\n".utf8))
        Foundation.exit(status.rawValue)
    }
}

/// Runs `body`, turning library errors into `CLIFailure`s the entry point reports.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let failure as CLIFailure {
        throw failure
    } catch {
        // Every library error type describes itself in one line naming the file (FormatError, NumPyError…).
        throw CLIFailure(.badInput, String(describing: error))
    }
}
