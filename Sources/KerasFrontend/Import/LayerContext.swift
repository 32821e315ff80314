import Foundation
/// One weight array of a layer, in Keras's own layout (Dense kernel [in, out], Conv2D kernel
/// [kh, kw, in, out], …), held as float32 little-endian bytes: the layout of ONNX raw_data, so a weight
/// used as it is becomes an initializer without a copy (VGG16's 500 MB of Dense kernels, say).
public struct KerasWeight: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let bytes: Data

    public init(name: String, shape: [Int], bytes: Data) {
        self.name = name
        self.shape = shape
        self.bytes = bytes
    }

    public init(name: String, shape: [Int], values: [Float]) {
        self.init(name: name, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
    }

    public var count: Int { bytes.count / 4 }

    /// The values as an array: a copy, so bind it once rather than indexing it in a loop.
    public var values: [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = bytes.copyBytes(to: buffer) / MemoryLayout<Float>.stride  // it returns bytes
        }
    }

    /// Calls `body` with the values in place (no copy).
    public func withValues<T>(_ body: (UnsafeBufferPointer<Float>) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { raw in try body(raw.bindMemory(to: Float.self)) }
    }
}

/// Where a model's weights come from (.h5 `model_weights`, a `save_weights` file, a .keras zip).
public protocol KerasWeightSource {
    /// The weights of `layer` in Keras's order (`layer.weights`); `scope` names the enclosing nested
    /// models, outermost first. [] for a layer without weights.
    func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight]
}

/// What a layer mapping sees of one call of its layer.
struct LayerContext {
    let layer: KerasLayer
    let call: KerasCall
    let inputs: [KerasTensor]
    let weights: [KerasWeight]
    let builder: GraphBuilder
    let kerasVersion: Int

    var config: JSONValue { layer.config }

    func fail(_ what: String) -> KerasError { KerasError.layer(layer.id, what) }

    /// Records something the conversion cannot carry over exactly; the CLI prints it.
    func warn(_ message: String) { builder.warn(message) }

    /// The only input, for layers that take one tensor.
    func input() throws -> KerasTensor {
        guard inputs.count == 1, let only = inputs.first else { throw fail("expects 1 input, got \(inputs.count)") }
        return only
    }

    func string(_ key: String, default fallback: String? = nil) throws -> String {
        if let value = config[key]?.string { return value }
        if let fallback, config[key] == nil || config[key]?.isNull == true { return fallback }
        guard let value = config[key], !value.isNull else { throw fail("option '\(key)' is missing") }
        throw fail("option '\(key)' must be a string, got \(value)")
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = config[key], !value.isNull else { return fallback }
        guard let flag = value.bool else { throw fail("option '\(key)' must be true or false, got \(value)") }
        return flag
    }

    /// A whole number (of any sign; the validated accessors in LayerOptions.swift bound it).
    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        guard let value = config[key], !value.isNull else {
            if let fallback { return fallback }
            throw fail("option '\(key)' is missing")
        }
        return try integer(value, key: key)
    }

    /// A number (NaN and infinities included: the validated accessors refuse them where they matter).
    func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        guard let value = config[key], !value.isNull else {
            if let fallback { return fallback }
            throw fail("option '\(key)' is missing")
        }
        guard let number = value.double else { throw fail("option '\(key)' must be a number, got \(value)") }
        return Float(number)
    }

    /// An integer or a list of `count` integers (Keras accepts `strides=2` and `strides=(2, 2)`).
    func ints(_ key: String, count: Int, default fallback: Int? = nil) throws -> [Int] {
        guard let value = config[key], !value.isNull else {
            if let fallback { return [Int](repeating: fallback, count: count) }
            throw fail("option '\(key)' is missing")
        }
        if value.double != nil { return [Int](repeating: try integer(value, key: key), count: count) }
        guard let list = value.array, list.count == count else {
            throw fail("option '\(key)' must be an integer or \(count) integers, got \(value)")
        }
        return try list.map { item in
            guard item.double != nil else { throw fail("option '\(key)' must be \(count) integers, got \(value)") }
            return try integer(item, key: key)
        }
    }

    /// `value` as an Int, or an error quoting it as the config writes it (4.6e+18, NaN, "2").
    func integer(_ value: JSONValue, key: String) throws -> Int {
        if let number = value.int { return number }
        if let number = value.double, number.isFinite, number.rounded() == number {
            throw fail("option '\(key)' is too large, got \(value)")
        }
        throw fail("option '\(key)' must be an integer, got \(value)")
    }

    /// The `index`-th weight, checked against the shape the layer's config implies.
    func weight(_ index: Int, _ what: String, shape: [Int]? = nil) throws -> KerasWeight {
        guard index < weights.count else {
            throw KerasError.weights(layer.id, "\(what) is missing (\(weights.count) weight arrays found)")
        }
        let weight = weights[index]
        if let shape, weight.shape != shape {
            throw KerasError.weights(layer.id, "\(what) has shape \(weight.shape), expected \(shape)")
        }
        return weight
    }
}
