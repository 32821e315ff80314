import ONNX

/// Custom layers of `keras.applications` that saved models name by class (tf.keras and Keras 3 use the same
/// class names and options): ConvNeXt's LayerScale (x·γ, one γ per channel) and StochasticDepth (drops
/// residual branches while training; the identity at inference).
enum ApplicationLayers {
    static let mappings: [String: LayerMapping] = [
        "LayerScale": layerScale,
        "StochasticDepth": { c in [try c.input()] },
    ]

    /// y = x · γ over the last (channels-last) axis; γ is the layer's only weight, of size `projection_dim`.
    private static func layerScale(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let width = try c.int("projection_dim")
        guard let channels = x.shape.last ?? nil, channels == width else {
            throw c.fail("projection_dim \(width) does not match the input's last axis \(x.shape.last.map { "\($0.map(String.init) ?? "?")" } ?? "?")")
        }
        let gamma = try c.weight(0, "gamma", shape: [width])
        guard c.weights.count == 1 else { throw KerasError.weights(c.layer.id, "\(c.weights.count) arrays, expected gamma only") }
        let y = c.builder.op("Mul", [x.name, c.builder.floats("gamma", gamma.values, dims: [width])])
        return [KerasTensor(name: y, shape: x.shape)]
    }
}
