import ONNX

/// Custom layers of `keras.applications` that saved models name by class (tf.keras and Keras 3 use the same
/// class names and options): ConvNeXt's LayerScale (x·γ, one γ per channel) and StochasticDepth (drops
/// residual branches while training; the identity at inference), and InceptionResNetV2's CustomScaleLayer.
enum ApplicationLayers {
    static let mappings: [String: LayerMapping] = [
        "LayerScale": layerScale,
        "StochasticDepth": { c in [try c.input()] },
        "CustomScaleLayer": customScale,
        // tf.keras registers it as a serializable in the default package, so its .h5 says "Custom>…".
        "Custom>CustomScaleLayer": customScale,
    ]

    /// y = shortcut + residual · scale, called on [shortcut, residual].
    private static func customScale(_ c: LayerContext) throws -> [KerasTensor] {
        guard c.inputs.count == 2 else { throw c.fail("takes [shortcut, residual], got \(c.inputs.count) tensors") }
        let b = c.builder
        let scaled = b.op("Mul", [c.inputs[1].name, b.scalar("scale", try c.finite("scale"))])
        return [KerasTensor(name: b.op("Add", [c.inputs[0].name, scaled]), shape: MergeLayers.broadcast(c.inputs))]
    }

    /// y = x · γ over the last (channels-last) axis; γ is the layer's only weight, of size `projection_dim`.
    private static func layerScale(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let width = try c.size("projection_dim")
        let channels = x.shape.last ?? nil
        guard channels == nil || channels == width else {
            throw c.fail("projection_dim \(width) does not match the input's last axis (\(channels.map(String.init) ?? "unknown"))")
        }
        let gamma = try c.weight(0, "gamma", shape: [width])
        guard c.weights.count == 1 else { throw KerasError.weights(c.layer.id, "\(c.weights.count) arrays, expected gamma only") }
        let y = c.builder.op("Mul", [x.name, c.builder.weight("gamma", gamma, dims: [width])])
        return [KerasTensor(name: y, shape: x.shape)]
    }
}
