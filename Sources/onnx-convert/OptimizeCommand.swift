import ArgumentParser
import Foundation
import ONNX
import Rewrite

struct OptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Load an ONNX model, apply rewrite rules, and save it.",
        discussion: "With --rules none the model is written back unchanged (a lossless round trip).")

    @Argument(help: "The ONNX model to read.", completion: .file())
    var model: String

    @OptionGroup var output: OutputOptions

    @Option(help: "Rules to apply: none, default, or a comma-separated list of rule names.")
    var rules = "default"

    @OptionGroup var externalData: ExternalDataOptions

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        // An unknown rule is a bad option value, reported with the usage like the others.
        do {
            _ = try RuleRegistry.standard.select(rules)
        } catch {
            throw ValidationError(String(describing: error))
        }
        // The data file would be written first and then replaced by the model that points into it.
        if externalData.externalData, let location = externalData.externalDataLocation,
           location == output.url.lastPathComponent {
            throw ValidationError("--external-data-location '\(location)' is the output model itself; choose another name")
        }
    }

    func run() throws {
        let started = Date()
        try output.checkWritable(notReplacing: [model])
        try InputPath.checkReadable([model])
        // A location that is not a plain file name is refused by the writer, in its own words.
        if externalData.externalData, let name = [externalData.externalDataLocation ?? output.url.lastPathComponent + ".data"]
            .first(where: { !$0.contains("/") && $0 != "." && $0 != ".." }) {
            try OutputPath.checkWritable(output.url.deletingLastPathComponent().appendingPathComponent(name).path,
                                         notReplacing: [model])
        }
        try memory.scoped { try reportingFailures(file: model) {
            let selected = try RuleRegistry.standard.select(rules)
            let loaded = try ModelFile.load(URL(fileURLWithPath: model))
            let (rewritten, report) = try Rewriter(rules: selected).rewrite(loaded)
            try WrittenModelCheck.check(rewritten, producedFrom: model, baseline: loaded)
            let policy: ModelFile.ExternalDataPolicy = externalData.externalData
                ? .always(location: externalData.externalDataLocation, threshold: externalData.externalDataThreshold)
                : .automatic
            let saved = try ModelFile.save(rewritten, to: output.url, options: .init(externalData: policy))
            let applied = report.applications.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }
            var line = "wrote \(output.output) (\(saved.modelBytes) bytes"
            if let file = saved.externalFile {
                line += "; \(saved.externalTensors) tensors, \(saved.externalBytes) bytes in \(file.lastPathComponent)"
            }
            line += ") in \(String(format: "%.2f", Date().timeIntervalSince(started))) s"
            if !applied.isEmpty { line += "; rules: " + applied.joined(separator: ", ") }
            print(line)
        } }
    }
}
