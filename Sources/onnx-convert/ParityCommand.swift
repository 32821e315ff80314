import ArgumentParser
import Foundation
import ONNX
import Parity

struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Compare a model's outputs with recorded reference outputs (.io.npz).",
        discussion: """
            Runs the model on the reference interpreter with the bundle's inputs and prints, for every output, \
            max |error| / max |reference|. Outputs are matched by name (or output_K by position); a bundle \
            without outputs, or missing one of the model's, is an error. Exit 1 when an output is off by more \
            than --tolerance.
            """)

    @Argument(help: "The ONNX model.", completion: .file())
    var model: String

    @Argument(help: "The reference bundle (.io.npz) holding inputs and expected outputs.", completion: .file())
    var reference: String

    @Option(help: "Largest allowed max |error| / max |reference| per output.")
    var tolerance = 1e-4

    @OptionGroup var memory: MemoryOptions

    func validate() throws { try ReferenceOptions.validate(tolerance: tolerance) }

    func run() throws {
        try InputPath.checkReadable([model, reference])
        try memory.scoped {
            let loaded = try reportingFailures(file: model) { try ModelFile.load(URL(fileURLWithPath: model)) }
            guard let graph = loaded.graph else { throw CLIFailure(.badInput, "\(model): the model has no graph") }
            let check = try reportingFailures(file: reference) {
                try ReferenceCheck(reading: URL(fileURLWithPath: reference), for: graph, tolerance: tolerance)
            }
            try check.run(loaded, about: model).printAndCheck(reference: reference)
        }
    }
}
