import Foundation
import NumPy
import ONNX

/// A model's inputs and, optionally, expected outputs, as stored in an `.io.npz` file.
///
/// Convention: each key is a graph input or output name, or positional `input_K` / `output_K` (the K-th
/// runtime input / output of the graph). Names are tried first, so a model whose input is called
/// `input_0` still reads by name.
public struct IOBundle: Equatable, Sendable {
    public var inputs: [Tensor]
    public var outputs: [Tensor]

    public init(inputs: [Tensor], outputs: [Tensor]) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Reads a bundle and names its tensors after the graph's inputs and outputs.
    public static func read(from url: URL, for graph: Graph) throws -> IOBundle {
        let entries = try NpzArchive.read(from: url)
        return try resolve(entries.map { ($0.name, NpyConversion.tensor($0.array, name: $0.name)) }, for: graph, file: url.path)
    }

    /// Assigns named tensors to the graph's inputs and outputs, in graph order, each renamed after the
    /// input or output it is the value of. A key that matches nothing, two keys for one value, or an input
    /// without a value is an error.
    public static func resolve(_ tensors: [(key: String, tensor: Tensor)], for graph: Graph, file: String) throws -> IOBundle {
        let inputNames = graph.runtimeInputs.map(\.name)
        let outputNames = graph.outputs.map(\.name)
        var inputs: [String: Tensor] = [:], outputs: [String: Tensor] = [:]
        var inputKeys: [String: [String]] = [:], outputKeys: [String: [String]] = [:]
        var unknown: [String] = []
        for (key, tensor) in tensors {
            // Names first, so a graph value literally called `input_0` or `output_1` reads by name.
            let slot: (name: String, isInput: Bool)
            if inputNames.contains(key) {
                slot = (key, true)
            } else if outputNames.contains(key) {
                slot = (key, false)
            } else if let name = position(of: key, prefix: "input_", in: inputNames) {
                slot = (name, true)
            } else if let name = position(of: key, prefix: "output_", in: outputNames) {
                slot = (name, false)
            } else {
                unknown.append(key)
                continue
            }
            var tensor = tensor
            tensor.name = slot.name
            if slot.isInput {
                inputs[slot.name] = tensor
                inputKeys[slot.name, default: []].append(key)
            } else {
                outputs[slot.name] = tensor
                outputKeys[slot.name, default: []].append(key)
            }
        }
        guard unknown.isEmpty else {
            throw TensorIOError(
                file: file,
                "unknown key(s) \(unknown.joined(separator: ", ")); the model's inputs are \(inputNames.joined(separator: ", ")), outputs \(outputNames.joined(separator: ", "))")
        }
        let repeated = (inputNames.map { ($0, inputKeys[$0] ?? []) } + outputNames.map { ($0, outputKeys[$0] ?? []) })
            .filter { $0.1.count > 1 }
        guard repeated.isEmpty else {
            let list = repeated.map { "'\($0.0)' (keys \($0.1.joined(separator: ", ")))" }
            throw TensorIOError(file: file, "more than one value for \(list.joined(separator: "; "))")
        }
        let missing = inputNames.filter { inputs[$0] == nil }
        guard missing.isEmpty else {
            throw TensorIOError(file: file, "no value for input(s) \(missing.joined(separator: ", "))")
        }
        return IOBundle(
            inputs: inputNames.compactMap { inputs[$0] },
            outputs: outputNames.compactMap { outputs[$0] })
    }

    /// The name at position K for a key `<prefix>K`, if K is in range.
    static func position(of key: String, prefix: String, in names: [String]) -> String? {
        position(of: key, prefix: prefix).flatMap { $0 < names.count ? names[$0] : nil }
    }

    static func position(of key: String, prefix: String) -> Int? {
        let digits = key.dropFirst(prefix.count)
        guard key.hasPrefix(prefix), !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Writes the bundle with tensors keyed by their names.
    public func write(to url: URL, compressed: Bool = true) throws {
        let file = url.path
        let entries = try (inputs + outputs).map { ($0.name, try NpyConversion.array($0, file: file)) }
        try NpzArchive.write(entries, to: url, compressed: compressed)
    }
}
