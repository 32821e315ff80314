import Foundation
import HDF5
import ONNX
import ZIPFoundation

/// Weights in Keras's HDF5 layout, written by `model.save("x.h5")` (group `model_weights`) and by Keras 2's
/// `save_weights` (the root group): one group per top-level layer, whose `weight_names` attribute lists
/// its arrays in `layer.weights` order, each stored at that name below the group ("dense/kernel:0" in
/// Keras 2, "dense/kernel" in Keras 3). A nested model's group lists the weights of all its layers.
struct KerasH5Weights: KerasWeightSource {
    let group: HDF5Group

    func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight] {
        let top = scope.first ?? layer.name
        guard group.memberKind(top) == .group else { return [] }
        let layerGroup = try group.group(top)
        var names = try layerGroup.attribute("weight_names")?.stringsValue ?? []
        if !scope.isEmpty {
            // Inside a nested model: the arrays whose path names this layer before the variable name.
            names = names.filter { $0.split(separator: "/").dropLast().contains(Substring(layer.name)) }
        }
        return try names.map { name in
            let dataset = try layerGroup.dataset(name)
            return KerasWeight(name: name, shape: dataset.shape, bytes: try dataset.readFloatData())
        }
    }
}

/// A Keras model file read into its architecture and a weight source.
public struct KerasModelFile {
    public let model: KerasModel
    let weights: any KerasWeightSource
    /// Kept open while the weights are read.
    private let files: [HDF5File]

    /// Converts the model with its weights.
    public func convert(options: KerasImportOptions = KerasImportOptions()) throws -> (Model, KerasImportSummary) {
        try KerasImporter.convert(model, weights: weights, options: options)
    }

    /// `.h5` full model, `.keras` zip, or an architecture `.json` with its weights `.h5`.
    public static func load(model path: String, weights weightsPath: String? = nil) throws -> KerasModelFile {
        let url = URL(fileURLWithPath: path)
        switch url.pathExtension.lowercased() {
        case "keras":
            return try loadZip(url, spelled: path)
        case "json":
            guard let weightsPath else { throw KerasError.malformedConfig("an architecture .json needs its weights .h5 as well") }
            let model = try KerasModel.parse(try JSONValue.parse(try Data(contentsOf: url)))
            let file = try HDF5File(path: weightsPath)
            let root = file.root
            let group = root.memberKind("model_weights") == .group ? try root.group("model_weights") : root
            return KerasModelFile(model: model, weights: try weightSource(group, model: model), files: [file])
        default:
            let file = try HDF5File(path: path)
            let root = file.root
            guard let config = try root.attribute("model_config")?.stringValue else {
                throw KerasError.malformedConfig("no model_config attribute (a weights-only file? pass the architecture .json first)")
            }
            var model = try KerasModel.parse(try JSONValue.parse(Data(config.utf8)))
            // The file's `keras_version` attribute is surer than the config's dialect.
            if let version = try root.attribute("keras_version")?.stringValue,
               let major = version.split(separator: ".").first.flatMap({ Int($0) }) {
                model.kerasVersion = major
            }
            guard root.memberKind("model_weights") == .group else { throw KerasError.malformedConfig("no model_weights group") }
            return KerasModelFile(model: model, weights: try weightSource(try root.group("model_weights"), model: model), files: [file])
        }
    }

    /// A .keras zip: `config.json` and `model.weights.h5`, each read with a bound (`KerasZip`).
    private static func loadZip(_ url: URL, spelled path: String) throws -> KerasModelFile {
        let zip = try KerasZip(url, spelled: path)
        var model = try KerasModel.parse(try JSONValue.parse(try zip.json("config.json")))
        // tf-keras writes .keras zips too, with a config that looks like Keras 3's; metadata.json says which.
        if zip.contains("metadata.json"), let version = try JSONValue.parse(try zip.json("metadata.json"))["keras_version"]?.string,
           let major = version.split(separator: ".").first.flatMap({ Int($0) }) {
            model.kerasVersion = major
        }
        let member = "model.weights.h5"
        let file = try zip.weights(member)
        let root = file.root
        let group = root.memberKind("layers") == .group ? try root.group("layers") : root
        return KerasModelFile(model: model, weights: KerasVarsWeights(group: group, model: model), files: [file])
    }

    /// The layer-per-group layout of Keras 2 and of Keras 3's legacy .h5; Keras 3's `.weights.h5` (from
    /// `save_weights`) keeps `layers/<name>/vars/<i>` instead.
    private static func weightSource(_ group: HDF5Group, model: KerasModel) throws -> any KerasWeightSource {
        if group.memberKind("layers") == .group, try group.attribute("layer_names") == nil {
            return KerasVarsWeights(group: try group.group("layers"), model: model)
        }
        return KerasH5Weights(group: group)
    }
}

/// Keras 3's own weights layout (`model.weights.h5` inside a .keras zip, and `.weights.h5` files):
/// `layers/<key>/vars/0, 1…` in `layer.weights` order, the arrays of sub-objects in groups below
/// (`layers/<key>/query_dense/vars/0`), nested models as `layers/<key>/layers/<key>`. The key
/// is not the layer's name but its class in snake_case, made unique in layer order (`dense`, `dense_1`,
/// `p_re_lu`); Keras 3.15 also writes the layer's name as the `name` attribute of its `vars` group.
/// Recurrent layers keep their variables in sub-objects (`layers/lstm/cell/vars/0`,
/// `layers/bidirectional/forward_layer/cell/vars/0`, then `backward_layer/…`), collected after the layer's
/// own `vars`.
struct KerasVarsWeights: KerasWeightSource {
    let group: HDF5Group
    let model: KerasModel

    func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight] {
        var container = group
        var layers = model.layers
        for name in scope {
            guard let outer = layers.first(where: { $0.name == name }), let submodel = outer.submodel,
                  let key = try key(of: outer, among: layers, in: container) else { return [] }
            container = try container.group(key + "/layers")
            layers = submodel.layers
        }
        guard let key = try key(of: layer, among: layers, in: container) else { return [] }
        // A wrapper (TimeDistributed) keeps its wrapped layer as the sub-object `layer`, ordered by that class.
        let wrapped = layer.config["layer"]?["class_name"]?.string.flatMap { Self.subObjectOrder[$0] } ?? []
        return try collect(try container.group(key), path: key, order: Self.subObjectOrder[layer.className] ?? [],
                           wrappedOrder: wrapped)
    }

    /// The sub-objects whose weights a class's `layer.weights` lists, in that order (the file's groups
    /// come in name order). Sub-objects not listed follow in name order; those without arrays add nothing.
    static let subObjectOrder: [String: [String]] = [
        // tf-keras names the attribute groups with a leading underscore.
        "MultiHeadAttention": ["query_dense", "_query_dense", "key_dense", "_key_dense", "value_dense", "_value_dense",
                               "output_dense", "_output_dense"],
        "Bidirectional": ["forward_layer", "backward_layer"],
    ]

    /// A group's own `vars/0, 1…`, then (recursively) those of its sub-object groups — Keras lists a
    /// layer's own variables before those of the layers it holds.
    private func collect(_ group: HDF5Group, path: String, order: [String], wrappedOrder: [String] = []) throws -> [KerasWeight] {
        var weights: [KerasWeight] = []
        if group.memberKind("vars") == .group {
            let vars = try group.group("vars")
            let names = try vars.memberNames().sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
            weights = try names.map { name in
                let dataset = try vars.dataset(name)
                return KerasWeight(name: "\(path)/vars/\(name)", shape: dataset.shape, bytes: try dataset.readFloatData())
            }
        }
        let members = try group.memberNames().filter { $0 != "vars" && group.memberKind($0) == .group }
        let listed = order.filter(members.contains)
        for member in listed + members.sorted().filter({ !listed.contains($0) }) {
            weights += try collect(try group.group(member), path: "\(path)/\(member)", order: member == "layer" ? wrappedOrder : [])
        }
        return weights
    }

    /// The group key of `layer`: its snake_case class key made unique in layer order, when that group does
    /// not name another layer in its `vars` (Keras 3.15 writes the name there); else the group that names it.
    /// The class key is tried first so that a model of hundreds of layers costs one attribute read each.
    private func key(of layer: KerasLayer, among layers: [KerasLayer], in container: HDF5Group) throws -> String? {
        if let key = classKey(of: layer, among: layers), container.memberKind(key) == .group {
            let stated = container.memberKind(key + "/vars") == .group
                ? try container.group(key + "/vars").attribute("name")?.stringValue : nil
            if stated == nil || stated == layer.name { return key }
        }
        for member in try container.memberNames() where container.memberKind(member + "/vars") == .group {
            if try container.group(member + "/vars").attribute("name")?.stringValue == layer.name { return member }
        }
        return nil
    }

    private func classKey(of layer: KerasLayer, among layers: [KerasLayer]) -> String? {
        var counts: [String: Int] = [:]
        for candidate in layers {
            let base = Self.snakeCase(candidate.className)
            let count = counts[base, default: 0]
            counts[base] = count + 1
            if candidate.name == layer.name { return count == 0 ? base : "\(base)_\(count)" }
        }
        return nil
    }

    /// Keras's `to_snake_case`: "BatchNormalization" → "batch_normalization", "PReLU" → "p_re_lu".
    static func snakeCase(_ name: String) -> String {
        let characters = Array(name)
        var out = ""
        for (i, ch) in characters.enumerated() {
            if i > 0, ch.isUppercase {
                let previous = characters[i - 1]
                let nextIsLower = i + 1 < characters.count && characters[i + 1].isLowercase
                if previous.isLowercase || (nextIsLower && previous != "_") { out.append("_") }
            }
            out.append(ch)
        }
        return out.lowercased()
    }
}
