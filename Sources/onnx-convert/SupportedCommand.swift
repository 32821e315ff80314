import ArgumentParser
import KerasFrontend

struct SupportedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supported",
        abstract: "Print what a converter supports, as the Markdown page in docs/ (generated from the registry).",
        discussion: "keras: every Keras layer class with a mapping, by family (docs/keras-layers.md).")

    enum Subject: String, ExpressibleByArgument, CaseIterable {
        case keras
    }

    @Argument(help: "What to list: \(Subject.allCases.map(\.rawValue).joined(separator: ", ")).")
    var subject: Subject

    func run() throws {
        switch subject {
        case .keras: print(KerasLayerCatalog.markdown(), terminator: "")
        }
    }
}
