import ONNX

/// Converts one call of a layer: the call's inputs in, its outputs (Keras layout) out.
typealias LayerMapping = @Sendable (LayerContext) throws -> [KerasTensor]

/// The table of supported layer classes, written once from the mapping families (one file each).
enum LayerMappings {
    /// The families, each named after its file (`Layers/<name>Layers.swift`), in the order of the docs.
    static let families: [(name: String, mappings: [String: LayerMapping])] = [
        ("Core", CoreLayers.mappings), ("Activation", ActivationLayers.mappings),
        ("Convolution", ConvolutionLayers.mappings), ("TransposedConvolution", TransposedConvolutionLayers.mappings),
        ("Pooling", PoolingLayers.mappings), ("Normalization", NormalizationLayers.mappings),
        ("Merge", MergeLayers.mappings), ("LinearAlgebra", LinearAlgebraLayers.mappings),
        ("Reshaping", ReshapingLayers.mappings), ("Resizing", ResizingLayers.mappings),
        ("Recurrent", RecurrentLayers.mappings), ("ConvRecurrent", ConvRecurrentLayers.mappings),
        ("Attention", AttentionLayers.mappings),
        ("Wrapper", WrapperLayers.mappings), ("Masking", MaskingLayers.mappings),
        ("Application", ApplicationLayers.mappings), ("TFOp", TFOpLayers.mappings),
    ]

    static let all: [String: LayerMapping] = {
        var table: [String: LayerMapping] = [:]
        for family in families {
            table.merge(family.mappings) { first, _ in
                preconditionFailure("a layer class is mapped by two families (\(family.name) and another)")
            }
        }
        return table
    }()

    /// Classes that take an input whose features are reordered (`KerasTensor.featureOrder`) and pass the
    /// order on (identities) or absorb it (Dense); every other layer gets Keras's order first.
    static let acceptingFeatureOrder: Set<String> = Set(CoreLayers.inferenceIdentities + ["Dense"])

    /// Supported class names, sorted (for docs and errors).
    static var classNames: [String] { all.keys.sorted() }
}

/// Layout moves around ops that ONNX defines channels-first (Conv, pooling): the Keras tensors between
/// layers stay channels-last, and the rewrite step removes the pairs that cancel.
enum Layout {
    /// [N, D1…, C] → [N, C, D1…].
    /// A value read by several convolutions (an input feeding a residual branch and its shortcut) is
    /// transposed once.
    static func channelsFirst(_ name: String, rank: Int, _ builder: GraphBuilder) -> String {
        builder.transposed(name, perm: [0, rank - 1] + Array(1..<(rank - 1)))
    }

    /// The tensor with its features back in Keras's order (a Gather on the last axis), if they are not.
    static func kerasOrder(_ x: KerasTensor, _ builder: GraphBuilder) -> KerasTensor {
        guard let order = x.featureOrder else { return x }
        var inverse = [Int64](repeating: 0, count: order.count)
        for (position, original) in order.enumerated() where original < order.count { inverse[original] = Int64(position) }
        let y = builder.op("Gather", [x.name, builder.int64s("feature_order", inverse)], [.int("axis", x.rank - 1)])
        return KerasTensor(name: y, shape: x.shape)
    }

    /// [N, C, D1…] → [N, D1…, C].
    static func channelsLast(_ name: String, rank: Int, _ builder: GraphBuilder) -> String {
        builder.op("Transpose", [name], [.ints("perm", [0] + Array(2..<rank) + [1])])
    }
}
