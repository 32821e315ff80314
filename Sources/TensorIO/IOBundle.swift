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

    /// Assigns named tensors to the graph's inputs and outputs, in graph order.
    public static func resolve(_ tensors: [(key: String, tensor: Tensor)], for graph: Graph, file: String) throws -> IOBundle {
        let inputNames = graph.runtimeInputs.map(\.name)
        let outputNames = graph.outputs.map(\.name)
        var inputs: [String: Tensor] = [:], outputs: [String: Tensor] = [:]
        var unknown: [String] = []
        for (key, tensor) in tensors {
            var tensor = tensor
            if inputNames.contains(key) {
                inputs[key] = tensor
            } else if outputNames.contains(key) {
                outputs[key] = tensor
            } else if let k = position(of: key, prefix: "input_"), k < inputNames.count {
                tensor.name = inputNames[k]
                inputs[inputNames[k]] = tensor
            } else if let k = position(of: key, prefix: "output_"), k < outputNames.count {
                tensor.name = outputNames[k]
                outputs[outputNames[k]] = tensor
            } else {
                unknown.append(key)
            }
        }
        guard unknown.isEmpty else {
            throw TensorIOError(
                file: file,
                "unknown key(s) \(unknown.joined(separator: ", ")); the model's inputs are \(inputNames.joined(separator: ", ")), outputs \(outputNames.joined(separator: ", "))")
        }
        let missing = inputNames.filter { inputs[$0] == nil }
        guard missing.isEmpty else {
            throw TensorIOError(file: file, "no value for input(s) \(missing.joined(separator: ", "))")
        }
        return IOBundle(
            inputs: inputNames.compactMap { inputs[$0] },
            outputs: outputNames.compactMap { outputs[$0] })
    }

    static func position(of key: String, prefix: String) -> Int? {
        guard key.hasPrefix(prefix) else { return nil }
        return Int(key.dropFirst(prefix.count)).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Writes the bundle with tensors keyed by their names.
    public func write(to url: URL, compressed: Bool = true) throws {
        let file = url.path
        let entries = try (inputs + outputs).map { ($0.name, try NpyConversion.array($0, file: file)) }
        try NpzArchive.write(entries, to: url, compressed: compressed)
    }
}
