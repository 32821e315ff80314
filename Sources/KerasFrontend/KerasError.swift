/// What can go wrong reading or converting a Keras model. Each case names the layer (class and name) or
/// the part of the file it concerns; the CLI puts the file name in front.
public enum KerasError: Error, CustomStringConvertible, Equatable {
    /// The architecture JSON is missing, not JSON, or not shaped like a Keras model config.
    case malformedConfig(String)
    /// Layers whose class has no mapping, every one of them: (class, name).
    case unsupportedLayers([LayerID])
    /// A layer option or input shape this converter cannot express.
    case layer(LayerID, String)
    /// The weights do not match the architecture: missing, extra, or of the wrong shape.
    case weights(LayerID, String)
    /// A conversion option that does not fit the model (say, an input name it does not have).
    case option(String)

    public struct LayerID: Equatable, Sendable, CustomStringConvertible {
        public let className: String
        public let name: String
        public init(_ className: String, _ name: String) {
            self.className = className
            self.name = name
        }
        public var description: String { "\(className) '\(name)'" }
    }

    public var description: String {
        switch self {
        case .malformedConfig(let what): return "not a Keras model config: \(what)"
        case .unsupportedLayers(let layers):
            return "\(layers.count) unsupported layer\(layers.count == 1 ? "" : "s"): "
                + layers.map { $0.className == "Lambda" ? "\($0) (its Python code is saved as bytecode, which cannot be converted)" : "\($0)" }
                    .joined(separator: ", ")
        case .layer(let id, let what): return "layer \(id): \(what)"
        case .weights(let id, let what): return "weights of layer \(id): \(what)"
        case .option(let what): return what
        }
    }
}
