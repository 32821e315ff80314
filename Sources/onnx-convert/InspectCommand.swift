import ArgumentParser
import Foundation
import ONNX

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise an ONNX model: producer, opsets, inputs and outputs, op histogram, parameters.")

    @Argument(help: "The ONNX model.", completion: .file())
    var model: String

    func run() throws {
        try InputPath.checkReadable([model])
        let url = URL(fileURLWithPath: model)
        // External data is not read: its size is known from the references.
        let loaded = try reportingFailures(file: model) {
            try ModelFile.load(url, options: .init(loadExternalData: false))
        }
        print(SummaryText(ModelSummary(loaded), file: model).text)
        let problems = ModelChecker().check(loaded)
        print("check:      " + (problems.isEmpty ? "ok" : "\(problems.count) problem(s)"))
        for problem in problems { print("  \(problem)") }
    }
}

/// The text `inspect` prints.
struct SummaryText {
    let summary: ModelSummary
    let file: String

    init(_ summary: ModelSummary, file: String) {
        self.summary = summary
        self.file = file
    }

    var text: String {
        var lines = ["model:      \(file)"]
        lines.append("producer:   \(summary.producer.isEmpty ? "(none)" : summary.producer)")
        lines.append("ir version: \(summary.irVersion.map(String.init) ?? "(none)")")
        lines.append("opsets:     " + summary.opsets.map { "\($0.domain) \($0.version)" }.joined(separator: ", "))
        lines.append("inputs:")
        lines += summary.inputs.map(Self.describe)
        lines.append("outputs:")
        lines += summary.outputs.map(Self.describe)
        lines.append("nodes:      \(summary.nodeCount) (\(summary.opHistogram.count) op types)")
        let width = max(28, (summary.opHistogram.map(\.op.count).max() ?? 0) + 1)
        lines += summary.opHistogram.map { "  " + $0.op + String(repeating: " ", count: width - $0.op.count) + " \($0.count)" }
        lines.append("parameters: \(summary.parameterCount) (\(Self.formatBytes(summary.parameterBytes)))"
            + (summary.externalTensorCount > 0 ? ", \(summary.externalTensorCount) tensors in external data" : ""))
        if summary.functionCount > 0 { lines.append("functions:  \(summary.functionCount)") }
        return lines.joined(separator: "\n")
    }

    static func describe(_ value: Value) -> String {
        "  \(value.name): \(value.type.map(\.description) ?? "(untyped)")"
    }

    static func formatBytes(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var size = Double(bytes), unit = 0
        while size >= 1024 && unit < units.count - 1 {
            size /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", size) + " " + units[unit]
    }
}
