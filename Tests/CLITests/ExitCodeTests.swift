import Foundation
import Testing

/// Help, version and usage errors: what argument-parser handles before any command runs, mapped onto the
/// documented exit codes (0 ok, 2 usage — never argument-parser's own 64).
@Suite struct ExitCodeTests {
    static let subcommands = ["keras", "torch", "mxnet", "optimize", "inspect", "run", "parity", "conformance"]

    @Test("--help exits 0 and lists every subcommand and the exit codes")
    func rootHelp() throws {
        let result = try CLI.run(["--help"])
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.contains("USAGE: onnx-convert"), "\(result)")
        for name in Self.subcommands {
            #expect(result.stdout.contains("  \(name) "), "\(name) missing from --help\n\(result)")
        }
        // The discussion is wrapped to the terminal width: compare with line breaks as spaces.
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Exit codes: 0 ok, 1 parity failure, 2 bad input or usage, 3 unsupported construct."), "\(result)")
        #expect(text.contains("Errors print one line on stderr: `error: <file>: <what>`."), "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("no arguments prints the help and exits 0")
    func noArguments() throws {
        let result = try CLI.run([])
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.contains("USAGE: onnx-convert"), "\(result)")
        #expect(result.stdout.contains("SUBCOMMANDS:"), "\(result)")
    }

    @Test("SUBCOMMAND --help exits 0 and shows that subcommand's usage", arguments: subcommands)
    func subcommandHelp(_ name: String) throws {
        let result = try CLI.run([name, "--help"])
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.contains("USAGE: onnx-convert \(name)"), "\(result)")
        #expect(result.stdout.contains("OVERVIEW: "), "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("help SUBCOMMAND is the same as SUBCOMMAND --help", arguments: subcommands)
    func helpSubcommand(_ name: String) throws {
        let viaHelp = try CLI.run(["help", name])
        let viaFlag = try CLI.run([name, "--help"])
        #expect(viaHelp.exited(0), "\(viaHelp)")
        #expect(viaHelp.stdout == viaFlag.stdout)
    }

    @Test("--version exits 0 and prints one version line", arguments: [["--version"], ["inspect", "--version"]])
    func version(_ arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.exited(0), "\(result)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(result)")
        #expect(lines.first.map { $0.split(separator: ".").count == 3 && $0.allSatisfy { $0.isNumber || $0 == "." } } == true, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    /// Usage errors: exit 2, nothing on stdout, argument-parser's message and the usage text on stderr.
    @Test("usage errors exit 2 with the usage text on stderr", arguments: [
        // Unknown subcommand.
        (["convert", "model.onnx"], "Usage: onnx-convert"),
        (["bogus"], "Usage: onnx-convert"),
        // Missing arguments.
        (["inspect"], "Usage: onnx-convert inspect"),
        (["optimize", "model.onnx"], "Usage: onnx-convert optimize"),
        (["optimize", "model.onnx", "-o"], "Usage: onnx-convert optimize"),
        (["mxnet", "model-symbol.json", "-o", "out.onnx"], "Usage: onnx-convert mxnet"),
        (["parity", "model.onnx"], "Usage: onnx-convert parity"),
        (["keras", "model.h5"], "Usage: onnx-convert keras"),
        (["conformance"], "Usage: onnx-convert conformance"),
        // Unknown options and bad option values.
        (["--nope"], "Usage: onnx-convert"),
        (["inspect", "--nope", "model.onnx"], "Usage: onnx-convert inspect"),
        (["inspect", "model.onnx", "-o", "out.onnx"], "Usage: onnx-convert inspect"),
        (["optimize", "model.onnx", "-o", "out.onnx", "--bogus"], "Usage: onnx-convert optimize"),
        (["optimize", "model.onnx", "-o", "out.onnx", "--external-data-threshold", "abc"], "Usage: onnx-convert optimize"),
        (["optimize", "model.onnx", "-o", "out.onnx", "--external-data", "--external-data-threshold=-1"], "Usage: onnx-convert optimize"),
        // Too many arguments.
        (["inspect", "a.onnx", "b.onnx"], "Usage: onnx-convert inspect"),
    ])
    func usageError(_ arguments: [String], usage: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(arguments, in: folder)
        #expect(result.exited(2), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains(usage), "\(result)")
        #expect(result.stderr.hasPrefix("Error: "), "\(result)")
        // Nothing written in the working folder.
        #expect(Fixtures.contents(of: folder).isEmpty)
    }
}
