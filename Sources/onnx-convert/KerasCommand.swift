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

    @OptionGroup var referenceOptions: ReferenceOptions

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        guard KerasImportOptions.supportedOpsets.contains(opset) else {
            throw ValidationError("--opset must be within \(KerasImportOptions.supportedOpsets)")
        }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let inputs = [model, weights, referenceOptions.reference].compactMap { $0 }
        try output.checkWritable(notReplacing: inputs)
        try InputPath.checkReadable(inputs)
        // libhdf5 can crash or loop on a damaged .h5: the conversion runs in a contained child process.
        try Containment.run(file: model, inputs: inputs, output: output.output) { try convertAndWrite() }
    }

    private func convertAndWrite() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        // A conv kernel is read in Keras's layout, permuted into a new buffer, and the first is freed: kept
        // in the heap, it takes the next layer's weights without fresh pages (a third of the system time).
        AllocatorTuning.keepFreedMemoryForReuse()
        try memory.scoped {
            let (converted, summary) = try convert()
            try WrittenModelCheck.check(converted, producedFrom: model)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            // The reference is read, fitted and run before the model is written: a bad bundle leaves no
            // output, while a parity failure (exit 1) still writes the model so that it can be inspected.
            let report = try referenceOptions.prepare(for: converted, recordedBy: "keras")
                .map { try $0.run(converted, about: model, adapt: channelsFirst) }
            try reportingFailures(file: output.output) { _ = try ModelFile.save(converted, to: output.url) }
            for warning in summary.warnings { print("warning: \(model): \(warning)") }
            print("layers \(summary.layers), nodes \(summary.nodes), parameters \(summary.parameters), "
                  + "transposes \(summary.transposes), \(String(format: "%.3f", seconds)) s → \(output.output)")
            try report?.printAndCheck(reference: referenceOptions.reference ?? "")
        }
    }

    private func convert() throws -> (Model, KerasImportSummary) {
        try reportingFailures(file: model) { () throws -> (Model, KerasImportSummary) in
            do {
                let file = try KerasModelFile.load(model: model, weights: weights)
                return try file.convert(options: KerasImportOptions(opset: opset, batchSize: batchSize,
                                                                    inputsAsNCHW: Set(inputsAsNchw)))
            } catch let error as KerasError {
                if case .unsupportedLayers = error { throw CLIFailure(.unsupported, "\(model): \(error)") }
                throw error
            }
        }
    }

    /// The recording holds Keras's channels-last inputs: those taken channels-first go [N, D1…, C] → [N, C, D1…].
    private func channelsFirst(_ name: String, _ value: TensorValue) throws -> TensorValue {
        guard inputsAsNchw.contains(name) else { return value }
        guard value.rank >= 3 else {
            throw CLIFailure(.badInput, "\(referenceOptions.reference ?? ""): input '\(name)' has rank \(value.rank), not 3 or more")
        }
        return try value.transposed(perm: [0, value.rank - 1] + Array(1..<(value.rank - 1)))
    }
}
