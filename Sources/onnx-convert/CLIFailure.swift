import ArgumentParser
import Foundation
import HDF5
import NumPy
import ONNX
import Parity
import TensorIO

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
        FileHandle.standardError.write(Data("error: \(ErrorLine.text(message))\n".utf8))
        Foundation.exit(status.rawValue)
    }
}

/// Library errors whose one-line description already starts with the file they are about, `<file>: <what>`.
protocol NamesItsFile: Error {
    var namedFile: String { get }
}

extension FormatError: NamesItsFile {
    var namedFile: String { file }
}

extension TensorIOError: NamesItsFile {
    var namedFile: String { file }
}

extension ReferenceError: NamesItsFile {
    var namedFile: String { file }
}

extension HDF5Error: NamesItsFile {
    var namedFile: String { file }
}

extension NumPyError: NamesItsFile {
    var namedFile: String { source }
}

/// Runs `body`, turning library errors into `CLIFailure`s the entry point reports. Errors that name their
/// own file (a model, an output, a tensor file) are printed as they describe themselves; the others
/// (a tensor's data, a rule) are about `file`, the command's input, and are prefixed with it.
func reportingFailures<T>(file: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let failure as CLIFailure {
        throw failure
    } catch let error as NamesItsFile where !error.namedFile.isEmpty {
        throw CLIFailure(.badInput, String(describing: error))
    } catch {
        throw CLIFailure(.badInput, "\(file): \(error)")
    }
}
