import ArgumentParser
import Foundation
import Interpreter
import ONNX
import Parity

/// `--reference` and `--tolerance`, shared by the converters and `parity`.
struct ReferenceOptions: ParsableArguments {
    @Option(help: "An .io.npz of recorded inputs and outputs: check the converted model against it.", completion: .file())
    var reference: String?

    @Option(help: "Largest allowed max |error| / max |reference| per output, with --reference.")
    var tolerance = 1e-4

    func validate() throws { try Self.validate(tolerance: tolerance) }

    static func validate(tolerance: Double) throws {
        guard tolerance.isFinite, tolerance >= 0 else { throw ValidationError("--tolerance must be a finite number ≥ 0") }
    }

    /// Reads the bundle and fits it to `graph`: done before anything is written, so a missing, corrupt or
    /// ill-fitting reference leaves no output behind.
    func prepare(for model: Model, recordedBy: String) throws -> ReferenceCheck? {
        guard let reference else { return nil }
        guard let graph = model.graph else { throw CLIFailure(.badInput, "\(reference): the model has no graph to check") }
        return try reportingFailures(file: reference) {
            try ReferenceCheck(reading: URL(fileURLWithPath: reference), for: graph, tolerance: tolerance, recordedBy: recordedBy)
        }
    }
}

extension ReferenceCheck {
    /// Runs `model` on the recorded inputs and compares every output; `about` names the model in errors.
    func run(_ model: Model, about: String, adapt: (String, TensorValue) throws -> TensorValue = { $1 }) throws -> ParityReport {
        let feeds = try reportingFailures(file: file) { () throws -> [String: RuntimeValue] in try self.feeds(adapt: adapt) }
        let result = try reportingFailures(file: about) { () throws -> Interpreter.Result in
            do {
                return try Interpreter(model: model).run(feeds)
            } catch let error as InterpreterError {
                if case .unsupportedOps = error { throw CLIFailure(.unsupported, "\(about): \(error)") }
                throw error
            }
        }
        return try reportingFailures(file: file) { try compare(result.outputs) }
    }
}

extension ParityReport {
    /// Prints every compared output; exit 1 when one is off by more than the tolerance.
    func printAndCheck(reference: String) throws {
        for line in lines { print(line) }
        guard !passed else { return }
        let failing = outputs.filter { !$0.withinTolerance }
        guard !failing.isEmpty else { throw CLIFailure(.parityFailure, "\(reference): no output was compared") }
        throw CLIFailure(.parityFailure, "\(reference): \(failing.count) of \(outputs.count) outputs off by more than the tolerance "
                         + "\(tolerance): " + failing.map { "'\($0.name)' \(String(format: "%.2e", $0.scaledError))" }.joined(separator: ", "))
    }
}
