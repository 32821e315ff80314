import ArgumentParser
import Foundation

/// `-o/--output`, shared by every command that writes a file.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: "Where to write the result.", completion: .file())
    var output: String

    var url: URL { URL(fileURLWithPath: output) }
}

/// How `optimize` (and later the converters) place tensor data when writing a model.
struct ExternalDataOptions: ParsableArguments {
    @Flag(help: "Write initializers of at least --external-data-threshold bytes to a file beside the model.")
    var externalData = false

    @Option(help: "File name for external data (default: <output>.data).")
    var externalDataLocation: String?

    @Option(help: "Smallest tensor, in bytes, that goes to the external file.")
    var externalDataThreshold = 1024

    func validate() throws {
        guard externalDataThreshold >= 0 else {
            throw ValidationError("--external-data-threshold must not be negative")
        }
        if externalDataLocation != nil && !externalData {
            throw ValidationError("--external-data-location needs --external-data")
        }
    }
}
