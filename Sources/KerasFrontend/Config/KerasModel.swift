/// A Keras model's layers and how they are called, the same whatever Keras version or file format it came
/// from. Sequential models become a chain of calls; nested models stay nested (`KerasLayer.submodel`).
public struct KerasModel: Sendable, Equatable {
    public var name: String
    /// Layers in config order.
    public var layers: [KerasLayer]
    /// The model's inputs and outputs, as (layer, call, tensor) references.
    public var inputs: [KerasTensorRef]
    public var outputs: [KerasTensorRef]
    /// 2 or 3: some activations differ between them (hard_sigmoid).
    public var kerasVersion: Int = 3

    public func layer(named name: String) -> KerasLayer? { layers.first { $0.name == name } }
}

/// The `tensor`-th output of the `call`-th call of layer `layer` (Keras's "node index" and "tensor index").
public struct KerasTensorRef: Hashable, Sendable, CustomStringConvertible {
    public let layer: String
    public let call: Int
    public let tensor: Int

    public init(_ layer: String, _ call: Int = 0, _ tensor: Int = 0) {
        self.layer = layer
        self.call = call
        self.tensor = tensor
    }

    public var description: String { "\(layer)[\(call)][\(tensor)]" }
}

/// One layer of a model config.
public struct KerasLayer: Sendable, Equatable {
    public let className: String
    public let name: String
    /// The layer's own `config` object (units, activation, padding…).
    public let config: JSONValue
    /// For each call of the layer, the tensors it was called on: positional arguments first, in order
    /// (nested lists flattened), then keyword arguments that are tensors (`value`, `key`, `mask`…).
    public var calls: [KerasCall]
    /// A model used as a layer.
    public var submodel: KerasModel?

    public var id: KerasError.LayerID { KerasError.LayerID(className, name) }
}

/// A positional argument of a Keras 3 call: a tensor (the next of `KerasCall.inputs`) or a value.
public enum KerasArgument: Sendable, Equatable {
    case tensor
    case value(JSONValue)
}

public struct KerasCall: Sendable, Equatable {
    public var inputs: [KerasTensorRef]
    /// Keras 3: the positional arguments in order, so that numbers between tensors (`ops.add(x, 3.0)`)
    /// keep their place. Empty for Keras 2.
    public var arguments: [KerasArgument] = []
    /// Keyword arguments that are tensors, by name.
    public var tensorArguments: [String: KerasTensorRef]
    /// Other keyword arguments (`training`, `use_causal_mask`…).
    public var options: [String: JSONValue]

    public init(inputs: [KerasTensorRef], tensorArguments: [String: KerasTensorRef] = [:], options: [String: JSONValue] = [:]) {
        self.inputs = inputs
        self.tensorArguments = tensorArguments
        self.options = options
    }
}

extension KerasModel {
    /// Classes whose config is itself a model.
    static let modelClasses: Set<String> = ["Sequential", "Functional", "Model"]

    /// Reads a model config: the object with `class_name` and `config` that Keras 2 and 3 write.
    public static func parse(_ json: JSONValue) throws -> KerasModel {
        guard let className = json["class_name"]?.string, let config = json["config"], config.object != nil else {
            throw KerasError.malformedConfig("no class_name and config at the top level")
        }
        var model: KerasModel
        switch className {
        case "Sequential": model = try sequential(config)
        case "Functional", "Model": model = try functional(config)
        default: throw KerasError.malformedConfig("top-level class \(className) is not a Sequential or Functional model")
        }
        model.kerasVersion = version(json)
        return model
    }

    /// `keras_version` when the config says it; else Keras 3 is known by its `module` keys and its
    /// `DTypePolicy` objects (Keras 2 writes dtypes as strings).
    private static func version(_ json: JSONValue) -> Int {
        if let text = json["keras_version"]?.string, let major = text.split(separator: ".").first.flatMap({ Int($0) }) {
            return major
        }
        if json["module"] != nil { return 3 }
        let layers = json["config"]?["layers"]?.array ?? []
        return layers.contains { $0["module"] != nil || $0["config"]?["dtype"]?.object != nil } ? 3 : 2
    }

    private static func layer(_ json: JSONValue, calls: [KerasCall]) throws -> KerasLayer {
        guard let className = json["class_name"]?.string, let config = json["config"] else {
            throw KerasError.malformedConfig("a layer without class_name or config")
        }
        guard let name = json["name"]?.string ?? config["name"]?.string else {
            throw KerasError.malformedConfig("a \(className) layer without a name")
        }
        let submodel = modelClasses.contains(className) ? try parse(json) : nil
        // Keras 3 saves keras.ops calls on tensors as layers of their op class (`Add`, `TrueDivide` from
        // keras.src.ops.numpy); "ops." keeps them apart from the layers of the same name. Its legacy .h5
        // drops the module, but an op's config holds only its name (a layer's also trainable, dtype…)
        // and it is called with its operands as separate arguments (a merge layer with one list).
        let isOperation = json["module"]?.string?.hasPrefix("keras.src.ops")
            ?? (config.object.map { Array($0.keys) == ["name"] } == true && !calls.isEmpty
                && calls.allSatisfy { $0.arguments.count >= 2 })
        return KerasLayer(className: isOperation ? "ops.\(className)" : className, name: name, config: config,
                          calls: calls, submodel: submodel)
    }

    /// Sequential: each layer called once on the previous one's output. Keras 2 may leave the input
    /// layer out and put `batch_input_shape` on the first layer instead; one is made from it.
    private static func sequential(_ config: JSONValue) throws -> KerasModel {
        let name = config["name"]?.string ?? "sequential"
        guard let entries = config["layers"]?.array, !entries.isEmpty else {
            throw KerasError.malformedConfig("Sequential model '\(name)' has no layers")
        }
        var layers: [KerasLayer] = []
        if entries[0]["class_name"]?.string != "InputLayer" {
            let first = entries[0]["config"]
            guard let shape = first?["batch_input_shape"] ?? first?["batch_shape"] ?? config["build_input_shape"] else {
                throw KerasError.malformedConfig("Sequential model '\(name)' does not say its input shape")
            }
            var inputConfig: [String: JSONValue] = ["batch_shape": shape, "name": .string("\(name)_input")]
            if let dtype = first?["dtype"] { inputConfig["dtype"] = dtype }
            layers.append(KerasLayer(className: "InputLayer", name: "\(name)_input", config: .object(inputConfig),
                                     calls: [], submodel: nil))
        }
        for entry in entries {
            let previous = layers.last.map { [KerasTensorRef($0.name)] } ?? []
            let isInput = entry["class_name"]?.string == "InputLayer"
            layers.append(try layer(entry, calls: isInput ? [] : [KerasCall(inputs: previous)]))
        }
        guard let first = layers.first, let last = layers.last else {
            throw KerasError.malformedConfig("Sequential model '\(name)' has no layers")
        }
        return KerasModel(name: name, layers: layers, inputs: [KerasTensorRef(first.name)], outputs: [KerasTensorRef(last.name)])
    }

    /// Functional: layers with their `inbound_nodes`, and the model's `input_layers` / `output_layers`.
    private static func functional(_ config: JSONValue) throws -> KerasModel {
        let name = config["name"]?.string ?? "model"
        guard let entries = config["layers"]?.array else {
            throw KerasError.malformedConfig("Functional model '\(name)' has no layers")
        }
        var layers: [KerasLayer] = []
        for entry in entries {
            let calls = try (entry["inbound_nodes"]?.array ?? []).map(call)
            layers.append(try layer(entry, calls: calls))
        }
        let model = KerasModel(name: name, layers: layers, inputs: try references(config["input_layers"], "input_layers"),
                               outputs: try references(config["output_layers"], "output_layers"))
        return model.renumberingCalls()
    }

    /// Keras 2 numbers the calls of a nested model counting the call that built it, which is not saved:
    /// a model called twice is referred to as calls 1 and 2 while only two calls are listed. Where a layer
    /// is referred to by call numbers it does not have, its distinct numbers are mapped, in order, onto
    /// the calls it lists.
    private func renumberingCalls() -> KerasModel {
        var referenced: [String: Set<Int>] = [:]
        let allRefs = outputs + layers.flatMap { $0.calls.flatMap { $0.inputs + Array($0.tensorArguments.values) } }
        for ref in allRefs { referenced[ref.layer, default: []].insert(ref.call) }
        var maps: [String: [Int: Int]] = [:]
        for layer in layers {
            guard let used = referenced[layer.name], !layer.calls.isEmpty, used.contains(where: { $0 >= layer.calls.count }),
                  used.count <= layer.calls.count else { continue }
            maps[layer.name] = Dictionary(uniqueKeysWithValues: used.sorted().enumerated().map { ($1, $0) })
        }
        guard !maps.isEmpty else { return self }
        func fix(_ ref: KerasTensorRef) -> KerasTensorRef {
            guard let call = maps[ref.layer]?[ref.call] else { return ref }
            return KerasTensorRef(ref.layer, call, ref.tensor)
        }
        var copy = self
        copy.outputs = outputs.map(fix)
        for i in copy.layers.indices {
            for j in copy.layers[i].calls.indices {
                copy.layers[i].calls[j].inputs = copy.layers[i].calls[j].inputs.map(fix)
                copy.layers[i].calls[j].tensorArguments = copy.layers[i].calls[j].tensorArguments.mapValues(fix)
            }
        }
        return copy
    }

    /// `[[name, node, tensor], …]`, or a single `[name, node, tensor]` (Keras 3, one input or output).
    private static func references(_ json: JSONValue?, _ what: String) throws -> [KerasTensorRef] {
        guard let list = json?.array, !list.isEmpty else { throw KerasError.malformedConfig("no \(what)") }
        if let single = reference(json) { return [single] }
        return try list.map { item in
            guard let ref = reference(item) else { throw KerasError.malformedConfig("\(what) entry \(item) is not [name, node, tensor]") }
            return ref
        }
    }

    private static func reference(_ json: JSONValue?) -> KerasTensorRef? {
        guard let parts = json?.array, parts.count >= 3, let layer = parts[0].string,
              let node = parts[1].int, let tensor = parts[2].int else { return nil }
        return KerasTensorRef(layer, node, tensor)
    }

    /// One inbound node. Keras 2: `[[name, node, tensor, kwargs], …]`. Keras 3: `{"args": […], "kwargs":
    /// {…}}` with each tensor written as `{"class_name": "__keras_tensor__", "config": {"keras_history":
    /// [name, node, tensor]}}`, possibly inside nested lists.
    private static func call(_ json: JSONValue) throws -> KerasCall {
        if let object = json.object {
            var inputs: [KerasTensorRef] = []
            var arguments: [KerasArgument] = []
            for argument in object["args"]?.array ?? [] {
                let before = inputs.count
                collectTensors(argument, into: &inputs)
                arguments.append(inputs.count == before ? .value(argument) : .tensor)
            }
            var tensorArguments: [String: KerasTensorRef] = [:], options: [String: JSONValue] = [:]
            for (key, value) in object["kwargs"]?.object ?? [:] {
                var found: [KerasTensorRef] = []
                collectTensors(value, into: &found)
                if let tensor = found.first { tensorArguments[key] = tensor } else { options[key] = value }
            }
            var call = KerasCall(inputs: inputs, tensorArguments: tensorArguments, options: options)
            call.arguments = arguments
            return call
        }
        guard var entries = json.array else { throw KerasError.malformedConfig("inbound node \(json) is neither a list nor an object") }
        // Keras 2 writes a TFOpLambda's call as one entry, not a list of them.
        if entries.first?.string != nil { entries = [json] }
        var inputs: [KerasTensorRef] = []
        var tensorArguments: [String: KerasTensorRef] = [:], options: [String: JSONValue] = [:]
        for entry in entries {
            guard let ref = reference(entry) else { throw KerasError.malformedConfig("inbound entry \(entry) is not [name, node, tensor, kwargs]") }
            inputs.append(ref)
            for (key, value) in entry.array?.dropFirst(3).first?.object ?? [:] {
                if let tensor = reference(value) { tensorArguments[key] = tensor } else { options[key] = value }
            }
        }
        return KerasCall(inputs: inputs, tensorArguments: tensorArguments, options: options)
    }

    private static func collectTensors(_ json: JSONValue, into tensors: inout [KerasTensorRef]) {
        if json["class_name"]?.string == "__keras_tensor__" {
            if let ref = reference(json["config"]?["keras_history"]) { tensors.append(ref) }
            return
        }
        for item in json.array ?? [] { collectTensors(item, into: &tensors) }
    }
}
