import Foundation
import ONNX

/// A tensor of the Keras model as the importer sees it: its ONNX value name and its Keras shape (Keras
/// layout, batch first; nil for a size unknown until run time).
public struct KerasTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int?]
    /// Set when the last axis holds Keras's features in another order: element j is Keras's element
    /// `featureOrder[j]`. Flatten of a channels-first value gives this, so that the Transpose back to
    /// channels-last is never needed; Dense absorbs the order into its kernel rows, and any other layer
    /// gets the Keras order back first (`KerasImporter` inserts a Gather).
    public var featureOrder: [Int]? = nil

    public var rank: Int { shape.count }
}

/// Collects the nodes and initializers of the graph being written, with unique names, each node named
/// after the Keras layer it comes from and carrying that layer in its metadata (so parity can point back).
final class GraphBuilder {
    private(set) var nodes: [Node] = []
    private(set) var initializers: [Tensor] = []
    private var taken: Set<String> = []
    /// For each base given to `fresh`, the first suffix not yet known to be taken.
    private var nextSuffix: [String: Int] = [:]
    /// Index in `nodes` of the node producing each value.
    private var producers: [String: Int] = [:]
    /// Transposes made by `transposed`, by input value and order.
    private var transposes: [TransposeKey: String] = [:]
    private struct TransposeKey: Hashable { let value: String, perm: [Int] }
    let opset: Int
    /// What the conversion could not carry over exactly (a mask, say), one line each, naming the layer.
    private(set) var warnings: [String] = []
    /// The layer whose nodes are being added.
    var layer: KerasError.LayerID = KerasError.LayerID("", "")

    init(opset: Int) { self.opset = opset }

    /// A value or node name not used before, made from `base`.
    /// The suffixes below the next one to try are all taken (names are never given back), so each base
    /// resumes where its last search stopped: a layer that makes 20,000 nodes of one op costs 20,000
    /// look-ups, not 200 million.
    func fresh(_ base: String) -> String {
        var name = base, index = nextSuffix[base] ?? 1
        if taken.contains(name) {
            repeat {
                name = "\(base)_\(index)"
                index += 1
            } while taken.contains(name)
            nextSuffix[base] = index
        }
        taken.insert(name)
        return name
    }

    func warn(_ message: String) { warnings.append("layer \(layer): \(message)") }

    /// Reserves names already given (graph inputs).
    func reserve(_ name: String) { taken.insert(name) }

    /// Adds a node of the current layer; returns its output names.
    @discardableResult
    func add(_ opType: String, _ inputs: [String], outputs: Int = 1, _ attributes: [Attribute] = [],
             named outputNames: [String]? = nil) -> [String] {
        let base = "\(layer.name)/\(opType)"
        let names = outputNames ?? (0..<outputs).map { fresh(outputs == 1 ? base : "\(base):\($0)") }
        for name in names { producers[name] = nodes.count }
        nodes.append(Node(opType: opType, name: fresh(base), inputs: inputs, outputs: names, attributes: attributes,
                          metadata: [MetadataEntry(key: "keras_layer", value: layer.name),
                                     MetadataEntry(key: "keras_class", value: layer.className)]))
        return names
    }

    /// `add` for one output.
    func op(_ opType: String, _ inputs: [String], _ attributes: [Attribute] = []) -> String {
        add(opType, inputs, attributes)[0]
    }

    func floats(_ base: String, _ values: [Float], dims: [Int]) -> String {
        let name = fresh("\(layer.name)/\(base)")
        initializers.append(Tensor(name: name, dims: dims.map(Int64.init), floats: values))
        return name
    }

    /// An initializer holding float32 little-endian `bytes` (shared, not copied).
    func floats(_ base: String, bytes: Data, dims: [Int]) -> String {
        let name = fresh("\(layer.name)/\(base)")
        initializers.append(Tensor(name: name, dataType: .float, dims: dims.map(Int64.init), raw: bytes))
        return name
    }

    /// A Keras weight used in its own layout, as an initializer (no copy); `dims` reshapes it.
    func weight(_ base: String, _ weight: KerasWeight, dims: [Int]? = nil) -> String {
        floats(base, bytes: weight.bytes, dims: dims ?? weight.shape)
    }

    func scalar(_ base: String, _ value: Float) -> String { floats(base, [value], dims: []) }

    func int64s(_ base: String, _ values: [Int64]) -> String {
        let name = fresh("\(layer.name)/\(base)")
        initializers.append(Tensor(name: name, dataType: .int64, dims: [Int64(values.count)],
                                   raw: values.withUnsafeBytes { Data($0) }))
        return name
    }

    /// `value` transposed by `perm`, made once: later calls get the same output.
    func transposed(_ value: String, perm: [Int]) -> String {
        let key = TransposeKey(value: value, perm: perm)
        if let done = transposes[key] { return done }
        let output = op("Transpose", [value], [.ints("perm", perm)])
        transposes[key] = output
        return output
    }

    /// The node that produces `value`, if a node of this graph does.
    func producer(of value: String) -> Node? { producers[value].map { nodes[$0] } }

    /// Renames the last node's output (graph outputs keep the Keras output layer's name).
    func renameOutput(_ old: String, to new: String) -> Bool {
        guard let index = nodes.lastIndex(where: { $0.outputs.contains(old) }),
              let slot = nodes[index].outputs.firstIndex(of: old) else { return false }
        nodes[index].outputs[slot] = new
        producers[old] = nil
        producers[new] = index
        for i in nodes.indices where i > index {
            nodes[i].inputs = nodes[i].inputs.map { $0 == old ? new : $0 }
        }
        return true
    }
}

extension Attribute {
    static func int(_ name: String, _ value: Int) -> Attribute { Attribute(name: name, value: .int(Int64(value))) }
    static func ints(_ name: String, _ values: [Int]) -> Attribute { Attribute(name: name, value: .ints(values.map(Int64.init))) }
    static func float(_ name: String, _ value: Float) -> Attribute { Attribute(name: name, value: .float(value)) }
    static func string(_ name: String, _ value: String) -> Attribute { Attribute(name: name, value: .string(Data(value.utf8))) }
}
