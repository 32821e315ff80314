import Foundation
import HDF5
import ONNX

/// Dense, Embedding, Rescaling, and the layers that are the identity at inference (Dropout and the noise
/// layers, ActivityRegularization, Identity).
enum CoreLayers {
    static let inferenceIdentities = ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                                      "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
                                      "Identity"]

    static let mappings: [String: LayerMapping] = {
        var table: [String: LayerMapping] = ["Dense": dense, "Embedding": embedding, "Rescaling": rescaling]
        for name in inferenceIdentities { table[name] = { c in [try c.input()] } }
        return table
    }()

    /// y = activation(x · kernel + bias), over the last axis of any rank.
    private static func dense(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        guard let inputSize = x.shape.last ?? nil else { throw c.fail("the last input axis must have a known size") }
        let units = try c.size("units")
        let useBias = try c.bool("use_bias", default: true)
        let kernel = try c.weight(0, "kernel", shape: [inputSize, units])
        let b = c.builder
        let rows = x.featureOrder.map { b.floats("kernel", bytes: gatherRows(kernel, order: $0, width: units), dims: kernel.shape) }
        var y = b.op("MatMul", [x.name, rows ?? b.weight("kernel", kernel)])
        if useBias {
            let bias = try c.weight(1, "bias", shape: [units])
            y = b.op("Add", [y, b.weight("bias", bias)])
        }
        y = try ActivationLayers.apply(try c.string("activation", default: "linear"), to: y, c)
        return [KerasTensor(name: y, shape: Array(x.shape.dropLast()) + [units])]
    }

    /// Row j of the result is row order[j] of the kernel: the input's features arrive in that order.
    private static func gatherRows(_ kernel: KerasWeight, order: [Int], width: Int) -> Data {
        let bytes = order.count * width * MemoryLayout<Float>.stride
        guard bytes > 0, let memory = WeightMemory.allocate(bytes: bytes) else { return Data() }
        let to = memory.bindMemory(to: Float.self, capacity: order.count * width)
        kernel.withValues { source in
            for (row, original) in order.enumerated() {
                if let from = source.baseAddress, (original + 1) * width <= source.count {
                    (to + row * width).initialize(from: from + original * width, count: width)
                } else {
                    // The kernel's shape was checked against the order, so this cannot happen: zeros, not garbage.
                    (to + row * width).initialize(repeating: 0, count: width)
                }
            }
        }
        return Data(bytesNoCopy: memory, count: bytes, deallocator: .free)
    }

    /// Rows of the embedding matrix picked by integer indices.
    private static func embedding(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let rows = try c.size("input_dim"), width = try c.size("output_dim")
        let table = try c.weight(0, "embeddings", shape: [rows, width])
        let y = c.builder.op("Gather", [c.builder.weight("embeddings", table), x.name])
        return [KerasTensor(name: y, shape: x.shape + [width])]
    }

    /// y = x · scale + offset (scalars, or per-channel lists).
    private static func rescaling(_ c: LayerContext) throws -> [KerasTensor] {
        let x = try c.input()
        let b = c.builder
        func constant(_ key: String, _ fallback: Float) throws -> String {
            if let list = c.config[key]?.array {
                let values = list.compactMap(\.double).map(Float.init)
                guard values.count == list.count else { throw c.fail("option '\(key)' must be a list of numbers, got \(JSONValue.array(list))") }
                // One value per channel of the last axis, or one for all: any other count would not broadcast.
                if values.count != 1, let channels = x.shape.last ?? nil, values.count != channels {
                    throw c.fail("option '\(key)' has \(values.count) values for \(channels) channels")
                }
                return b.floats(key, values, dims: [values.count])
            }
            return b.scalar(key, try c.finite(key, default: fallback))
        }
        let y = b.op("Add", [b.op("Mul", [x.name, try constant("scale", 1)]), try constant("offset", 0)])
        return [KerasTensor(name: y, shape: x.shape)]
    }
}
