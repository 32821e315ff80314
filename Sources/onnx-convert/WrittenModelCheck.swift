import ONNX

/// The structural checker on a model about to be written: a converter or rewrite that produced an invalid
/// model has a bug, which is reported in one line naming the node (nodes are named after their source
/// layer) with exit 3, and nothing is written.
enum WrittenModelCheck {
    /// Fails on any problem of `model`, or, with `baseline` (the model `optimize` read), on problems the
    /// input did not already have: `optimize --rules none` must still copy any model it can read.
    static func check(_ model: Model, producedFrom source: String, baseline: Model? = nil) throws {
        var problems = ModelChecker().check(model)
        // The input is checked only when the output has problems: a clean model needs no baseline.
        if let baseline, !problems.isEmpty {
            let known = Set(ModelChecker().check(baseline).map(\.description))
            problems.removeAll { known.contains($0.description) }
        }
        guard let first = problems.first else { return }
        let more = problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count == 2 ? "" : "s"))" : ""
        throw CLIFailure(.unsupported, "\(source): internal error, the model produced is invalid: \(first)\(more); please report it")
    }
}
