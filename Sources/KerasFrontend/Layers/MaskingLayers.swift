import Foundation
import ONNX

/// Masking: Keras zeroes the time steps whose features all equal `mask_value` and attaches a mask to its
/// output, which later RNNs, attention and pooling layers read to skip those steps. The zeroing is
/// converted exactly; the mask cannot be, since an ONNX value carries no mask, so a layer after it that
/// would skip masked steps reads them (as zeros) instead. The conversion says so on standard error rather
/// than failing, because models often keep Masking for padded batches that never reach inference.
enum MaskingLayers {
    static let mappings: [String: LayerMapping] = [
        "Masking": masking,
    ]

    /// y = x · any(x ≠ mask_value over the last axis): the "any" as the max of the 0/1 comparison (ReduceMax
    /// takes no booleans before opset 20). Keras 3 writes where(any, x, 0), the same for finite x.
    private static func masking(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let value = try c.float("mask_value", default: 0)
        let b = c.builder
        let differs = b.op("Not", [b.op("Equal", [x.name, b.scalar("mask_value", value)])])
        let keep = PoolingLayers.reduce("ReduceMax", b.op("Cast", [differs], [.int("to", Int(DataType.float.rawValue))]),
                                        axes: [-1], keepDims: true, b)
        c.warn("the Keras mask is not carried into ONNX; masked time steps are zeroed as in Keras, "
               + "but RNN, attention or pooling layers after it will not skip them")
        return [KerasTensor(name: b.op("Mul", [x.name, keep]), shape: x.shape)]
    }
}
