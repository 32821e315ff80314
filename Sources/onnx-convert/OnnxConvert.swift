import ArgumentParser
import Foundation

@main
struct OnnxConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnx-convert",
        abstract: "Convert Keras, PyTorch and MXNet models to ONNX without the source framework, and prove parity.",
        discussion: """
            Exit codes: 0 ok, 1 parity failure, 2 bad input or usage, 3 unsupported construct.
            Errors print one line on stderr: `error: <file>: <what>`.
            """,
        version: "0.1.0",
        subcommands: [
            KerasCommand.self, TorchCommand.self, MXNetCommand.self,
            OptimizeCommand.self, InspectCommand.self,
            RunCommand.self, ParityCommand.self, ConformanceCommand.self, SupportedCommand.self,
        ])

    /// Runs the command and maps every failure to one stderr line and the documented exit code
    /// (argument-parser's own usage errors would otherwise exit 64).
    static func main() {
        Interruption.process.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CLIFailure {
            failure.report()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExitStatus.badInput.rawValue)
        }
    }
}
