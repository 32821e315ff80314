import Foundation
import Testing

/// The commands whose subsystems have not landed (the converters): with plausible arguments they
/// exit 2 with one line `error: <input>: … not yet supported …` and write nothing. A command leaves this
/// list when its subsystem lands (`run`, `conformance`, `parity` and `keras` have; their bad inputs are in BadInputTests and KerasCommandTests).
@Suite struct NotYetSupportedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var command: String
        /// Input files created (empty) in the working folder; the first is the one the error names.
        var inputs: [String]
        var options: [String]

        var testDescription: String { "\(command) \(inputs.joined(separator: " "))" }
    }

    static let cases: [Case] = [
        Case(command: "torch", inputs: ["model.pt"], options: ["-o", "out.onnx"]),
        Case(command: "torch", inputs: ["model.pt2"], options: ["-o", "out.onnx"]),
        Case(command: "mxnet", inputs: ["resnet-symbol.json", "resnet-0000.params"], options: ["-o", "out.onnx"]),
    ]

    @Test("exit 2 and one 'not yet supported' line naming the input", arguments: cases)
    func notYetSupported(_ testCase: Case) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for input in testCase.inputs {
            try Data().write(to: folder.appendingPathComponent(input))
        }
        let before = Fixtures.contents(of: folder)

        let result = try CLI.run([testCase.command] + testCase.inputs + testCase.options, in: folder)
        #expect(result.exited(2), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.hasPrefix("error: \(testCase.inputs[0]): "), "\(result)")
        #expect(result.stderr.contains("not yet supported"), "\(result)")
        #expect(Fixtures.contents(of: folder) == before, "\(result)")
    }
}
