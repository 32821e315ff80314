import ONNX

/// Converts one call of a layer: the call's inputs in, its outputs (Keras layout) out.
typealias LayerMapping = @Sendable (LayerContext) throws -> [KerasTensor]

/// The table of supported layer classes, written once from the mapping families (one file each).
enum LayerMappings {
    static let all: [String: LayerMapping] = {
        var table: [String: LayerMapping] = [:]
        for family in [CoreLayers.mappings, ActivationLayers.mappings, ConvolutionLayers.mappings,
                       PoolingLayers.mappings, NormalizationLayers.mappings, MergeLayers.mappings,
                       ReshapingLayers.mappings, AttentionLayers.mappings, RecurrentLayers.mappings,
                       LinearAlgebraLayers.mappings, WrapperLayers.mappings, MaskingLayers.mappings,
                       ApplicationLayers.mappings] {
            table.merge(family) { first, _ in first }
        }
        return table
    }()

    /// Supported class names, sorted (for docs and errors).
    static var classNames: [String] { all.keys.sorted() }
}

/// Layout moves around ops that ONNX defines channels-first (Conv, pooling): the Keras tensors between
/// layers stay channels-last, and the rewrite step removes the pairs that cancel.
enum Layout {
    /// [N, D1…, C] → [N, C, D1…].
    static func channelsFirst(_ name: String, rank: Int, _ builder: GraphBuilder) -> String {
        builder.op("Transpose", [name], [.ints("perm", [0, rank - 1] + Array(1..<(rank - 1)))])
    }

    /// [N, C, D1…] → [N, D1…, C].
    static func channelsLast(_ name: String, rank: Int, _ builder: GraphBuilder) -> String {
        builder.op("Transpose", [name], [.ints("perm", [0] + Array(2..<rank) + [1])])
    }
}
