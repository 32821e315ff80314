import ArgumentParser

struct TorchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torch",
        abstract: "Convert a PyTorch TorchScript (.pt) or torch.export (.pt2) archive to ONNX.")

    @Argument(help: "The TorchScript .pt or torch.export .pt2 archive.", completion: .file())
    var model: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        throw CLIFailure(.badInput, "\(model): PyTorch conversion is not yet supported by this build")
    }
}
