import ArgumentParser
import Foundation
import Interpreter
import KerasFrontend
import ONNX
import Parity
import TensorIO

struct KerasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keras",
        abstract: "Convert a Keras model (.h5, .keras, or architecture .json + weights .h5) to ONNX.",
        discussion: """
            Keras 2 (tf.keras, tf-keras) and Keras 3 models. Inputs keep Keras's layout (channels last). \
            With --reference, the written model is run on the reference interpreter against the recorded \
            outputs of an .io.npz (converters/keras/record_io.py) and the largest error is printed.
            """)

    @Argument(help: "The Keras model: .h5, .keras, or .json (architecture).", completion: .file())
    var model: String

    @Argument(help: "Weights .h5 when MODEL is an architecture .json.", completion: .file())
    var weights: String?

    @OptionGroup var output: OutputOptions

    @Option(help: "The ai.onnx opset to write (13 to 21).")
    var opset = 17

    @Option(help: "Fix the batch dimension (default: symbolic 'batch').")
    var batchSize: Int?

    @Option(parsing: .upToNextOption,
            help: "Inputs (Keras input layer names) to take channels-first, [N, C, H, W] instead of [N, H, W, C].")
    var inputsAsNchw: [String] = []

    @Option(help: "An .io.npz of Keras inputs and outputs: check the converted model against it.")
    var reference: String?

    @Option(help: "Largest allowed max |error| / max |reference| per output, with --reference.")
    var tolerance = 1e-4

    func validate() throws {
        guard KerasImportOptions.supportedOpsets.contains(opset) else {
            throw ValidationError("--opset must be within \(KerasImportOptions.supportedOpsets)")
        }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        // libhdf5 can crash or loop on a damaged .h5: the conversion runs in a contained child process.
        try Containment.run(file: model, inputs: [model, weights, reference].compactMap { $0 }, output: output.output) {
            try convert()
        }
    }

    private func convert() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        // A conv kernel is read in Keras's layout, permuted into a new buffer, and the first is freed: kept
        // in the heap, it takes the next layer's weights without fresh pages (a third of the system time).
        AllocatorTuning.keepFreedMemoryForReuse()
        let (converted, summary) = try reportingFailures(file: model) { () throws -> (Model, KerasImportSummary) in
            do {
                let file = try KerasModelFile.load(model: model, weights: weights)
                return try file.convert(options: KerasImportOptions(opset: opset, batchSize: batchSize,
                                                                    inputsAsNCHW: Set(inputsAsNchw)))
            } catch let error as KerasError {
                if case .unsupportedLayers = error { throw CLIFailure(.unsupported, "\(model): \(error)") }
                throw error
            }
        }
        try reportingFailures(file: output.output) { _ = try ModelFile.save(converted, to: output.url) }
        for warning in summary.warnings { FileHandle.standardError.write(Data("warning: \(model): \(warning)\n".utf8)) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("layers \(summary.layers), nodes \(summary.nodes), parameters \(summary.parameters), "
              + "transposes \(summary.transposes), \(String(format: "%.3f", seconds)) s → \(output.output)")
        if let reference { try checkParity(converted, against: reference) }
    }

    /// Runs the converted model on the recorded inputs; exit 1 when an output is off by more than the tolerance.
    private func checkParity(_ converted: Model, against reference: String) throws {
        guard let graph = converted.graph else { return }
        let bundle = try reportingFailures(file: reference) { try IOBundle.read(from: URL(fileURLWithPath: reference), for: graph) }
        let interpreter = try reportingFailures(file: output.output) { try Interpreter(model: converted) }
        var feeds: [String: RuntimeValue] = [:]
        for tensor in bundle.inputs {
            var value = try reportingFailures(file: reference) { try TensorValue(tensor) }
            if inputsAsNchw.contains(tensor.name) {
                // The recording holds Keras's channels-last input: [N, D1…, C] → [N, C, D1…].
                guard value.rank >= 3 else {
                    throw CLIFailure(.parityFailure, "\(reference): input '\(tensor.name)' has rank \(value.rank), not 3 or more")
                }
                value = try reportingFailures(file: reference) {
                    try value.transposed(perm: [0, value.rank - 1] + Array(1..<(value.rank - 1)))
                }
            }
            feeds[tensor.name] = .tensor(value)
        }
        let result = try reportingFailures(file: output.output) { try interpreter.run(feeds) }
        var worst = 0.0
        for (expected, (name, value)) in zip(bundle.outputs, result.outputs) {
            guard let ours = value.tensor, let theirs = try? TensorValue(expected),
                  let error = ValueComparison.scaledError(ours, theirs) else {
                throw CLIFailure(.parityFailure, "\(reference): output '\(name)' does not match the recorded output's shape")
            }
            worst = max(worst, error)
            print(String(format: "parity %@: max |error| / max |keras| = %.2e", name, error))
        }
        guard worst <= tolerance else {
            throw CLIFailure(.parityFailure, "\(reference): error \(String(format: "%.2e", worst)) exceeds the tolerance \(tolerance)")
        }
    }
}
