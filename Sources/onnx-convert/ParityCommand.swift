import ArgumentParser

struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Compare a model's outputs with recorded reference outputs (.io.npz).")

    @Argument(help: "The ONNX model.", completion: .file())
    var model: String

    @Argument(help: "The reference bundle (.io.npz) holding inputs and expected outputs.", completion: .file())
    var reference: String

    func run() throws {
        throw CLIFailure(.badInput, "\(model): parity checking is not yet supported by this build")
    }
}
