import ONNX

/// StringNormalizer (10): removes the `stopwords` from a string tensor [C] or [1, C] and changes the case
/// of the rest (`case_change_action` LOWER, UPPER or NONE). Stop words match whole elements, exactly when
/// `is_case_sensitive` is 1 and case-folded otherwise. The output keeps X's rank with C′ elements; when
/// every element is removed it is a single "" ([1] or [1, 1]), as the spec asks.
///
/// `locale` is accepted but not used: case changes follow Unicode's default mapping, the same in every
/// locale except Turkish/Azeri dotted i.
enum StringNormalizerKernels {
    static let registrations = [KernelRegistration("StringNormalizer", since: 10) { node in
        let action = try node.string("case_change_action", default: "NONE")
        guard let caseChange = StringNormalizerKernel.CaseChange(rawValue: action) else {
            throw KernelError("case_change_action '\(action)' is not LOWER, UPPER or NONE")
        }
        let caseSensitive = try node.int("is_case_sensitive", default: 0) != 0
        let stopwords = try node.strings("stopwords") ?? []
        return StringNormalizerKernel(
            caseChange: caseChange, caseSensitive: caseSensitive,
            stopwords: Set(caseSensitive ? stopwords : stopwords.map { $0.lowercased() }))
    }]
}

struct StringNormalizerKernel: Kernel {
    enum CaseChange: String, Sendable { case lower = "LOWER", upper = "UPPER", none = "NONE" }

    let caseChange: CaseChange
    let caseSensitive: Bool
    /// Lower-cased when matching ignores case.
    let stopwords: Set<String>

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try TextArgs.strings(inputs, 0, "X")
        guard x.tensor.rank == 1 || (x.tensor.rank == 2 && x.tensor.shape[0] == 1) else {
            throw KernelError("X must have shape [C] or [1, C], got \(x.tensor.shape)")
        }
        var kept = x.values.filter { !stopwords.contains(caseSensitive ? $0 : $0.lowercased()) }
        switch caseChange {
        case .lower: kept = kept.map { $0.lowercased() }
        case .upper: kept = kept.map { $0.uppercased() }
        case .none: break
        }
        if kept.isEmpty { kept = [""] }
        let shape = x.tensor.rank == 1 ? [kept.count] : [1, kept.count]
        return [.tensor(TensorValue(shape: shape, values: kept))]
    }
}
