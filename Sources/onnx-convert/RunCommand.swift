import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an ONNX model on the reference interpreter.")

    @Argument(help: "The ONNX model.", completion: .file())
    var model: String

    @Option(name: .long, parsing: .upToNextOption, help: "Inputs: an .npz bundle, .npy files or input_N.pb files.")
    var inputs: [String] = []

    @OptionGroup var output: OutputOptions

    func run() throws {
        throw CLIFailure(.badInput, "\(model): the reference interpreter is not yet supported by this build")
    }
}
