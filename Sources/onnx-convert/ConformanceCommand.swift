import ArgumentParser

struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run an ONNX backend-test-style folder of cases and report passes and failures.")

    @Argument(help: "A folder of cases, each with model.onnx and test_data_set_*/.", completion: .directory)
    var directory: String

    func run() throws {
        throw CLIFailure(.badInput, "\(directory): conformance runs are not yet supported by this build")
    }
}
