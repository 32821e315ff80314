import ArgumentParser

struct KerasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keras",
        abstract: "Convert a Keras model (.h5, .keras, or architecture .json + weights .h5) to ONNX.")

    @Argument(help: "The Keras model: .h5, .keras, or .json (architecture).", completion: .file())
    var model: String

    @Argument(help: "Weights .h5 when MODEL is an architecture .json.", completion: .file())
    var weights: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        throw CLIFailure(.badInput, "\(model): Keras conversion is not yet supported by this build")
    }
}
