/// A value flowing through the graph: a tensor, a sequence of values, or an optional.
public indirect enum RuntimeValue: Sendable, Equatable {
    case tensor(TensorValue)
    case sequence([RuntimeValue])
    /// An optional; nil is the empty optional.
    case optional(RuntimeValue?)

    public var tensor: TensorValue? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    public var kindDescription: String {
        switch self {
        case .tensor(let t): return "tensor(\(t.dataType))\(t.shape)"
        case .sequence(let items): return "sequence of \(items.count)"
        case .optional(let v): return v == nil ? "empty optional" : "optional"
        }
    }
}
