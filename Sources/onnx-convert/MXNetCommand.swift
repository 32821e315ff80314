import ArgumentParser

struct MXNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mxnet",
        abstract: "Convert an MXNet model (symbol .json + .params) to ONNX.")

    @Argument(help: "The MXNet symbol file (*-symbol.json).", completion: .file())
    var symbol: String

    @Argument(help: "The parameters file (*.params).", completion: .file())
    var params: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        throw CLIFailure(.badInput, "\(symbol): MXNet conversion is not yet supported by this build")
    }
}
