import Limits
import ONNX
import Rewrite

/// Options of a Keras conversion.
public struct KerasImportOptions: Sendable {
    /// The ai.onnx opset the graph is written for.
    public var opset: Int = 17
    /// Fixes the batch dimension; nil keeps it symbolic (`batch`).
    public var batchSize: Int?
    /// Inputs (by Keras input layer name) that the ONNX model takes channels-first: [N, C, D1…] instead
    /// of Keras's [N, D1…, C].
    public var inputsAsNCHW: Set<String>

    public init(opset: Int = 17, batchSize: Int? = nil, inputsAsNCHW: Set<String> = []) {
        self.opset = opset
        self.batchSize = batchSize
        self.inputsAsNCHW = inputsAsNCHW
    }

    public static let supportedOpsets = 13...21
}

/// What a conversion read and wrote, for the CLI's summary.
public struct KerasImportSummary: Sendable, Equatable {
    public var layers: Int
    public var nodes: Int
    public var parameters: Int
    public var transposes: Int
    /// What could not be carried over exactly, one line each naming the layer.
    public var warnings: [String] = []
}

/// Turns a Keras model and its weights into an ONNX model: each layer call becomes ONNX nodes through the
/// mapping of its class (`LayerMappings`), in an order where every call's inputs exist.
public enum KerasImporter {
    public static func convert(_ model: KerasModel, weights: any KerasWeightSource,
                               options: KerasImportOptions = KerasImportOptions()) throws -> (Model, KerasImportSummary) {
        guard KerasImportOptions.supportedOpsets.contains(options.opset) else {
            throw KerasError.malformedConfig("opset \(options.opset) is outside \(KerasImportOptions.supportedOpsets)")
        }
        let unsupported = unsupportedLayers(in: model)
        guard unsupported.isEmpty else { throw KerasError.unsupportedLayers(unsupported) }
        let inputNames = model.inputs.map(\.layer)
        if let unknown = options.inputsAsNCHW.subtracting(inputNames).sorted().first {
            throw KerasError.option("--inputs-as-nchw: the model has no input '\(unknown)' (its inputs: \(inputNames.joined(separator: ", ")))")
        }
        let builder = GraphBuilder(opset: options.opset)
        var inputs: [Value] = []
        var values: [KerasTensorRef: KerasTensor] = [:]
        for ref in model.inputs {
            guard let layer = model.layer(named: ref.layer), layer.className == "InputLayer" else {
                throw KerasError.malformedConfig("model input \(ref) is not an InputLayer")
            }
            var (value, tensor) = try graphInput(layer, batchSize: options.batchSize)
            builder.reserve(value.name)
            if options.inputsAsNCHW.contains(layer.name) { (value, tensor) = try channelsFirst(value, tensor, layer, builder) }
            inputs.append(value)
            values[ref] = tensor
        }
        var run = ModelRun(builder: builder, weights: weights, kerasVersion: model.kerasVersion)
        try run.convert(model, scope: [], values: &values)
        var outputs: [Value] = []
        // A value that an earlier output renamed is read under its new name by the later ones.
        var renamed: [String: String] = [:]
        for ref in model.outputs {
            guard var tensor = values[ref] else { throw KerasError.malformedConfig("model output \(ref) was never computed") }
            if tensor.featureOrder != nil {
                builder.layer = KerasError.LayerID("Output", ref.layer)
                tensor = Layout.kerasOrder(tensor, builder)
            }
            let original = tensor.name
            tensor.name = renamed[original] ?? original
            let output = graphOutput(ref, tensor, builder: builder, taken: outputs.map(\.name) + inputs.map(\.name))
            if renamed[original] == nil { renamed[original] = output.name }
            outputs.append(output)
        }
        let graph = Graph(name: model.name, nodes: builder.nodes, inputs: inputs, outputs: outputs,
                          initializers: builder.initializers)
        let written = Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: Int64(options.opset))], graph: graph,
                            producerName: "onnx-convert", producerVersion: "0.1")
        let onnx = try planLayout(written)
        let nodes = onnx.graph?.nodes ?? []
        let parameters = (onnx.graph?.initializers ?? []).reduce(0) { $0 + ($1.elementCount ?? 0) }
        let summary = KerasImportSummary(layers: run.layersConverted, nodes: nodes.count, parameters: parameters,
                                         transposes: nodes.filter { $0.opType == "Transpose" }.count,
                                         warnings: builder.warnings)
        return (onnx, summary)
    }

    /// Moves the transposes that channels-first ops were wrapped in down through elementwise ops until the
    /// pairs meet and cancel, then keeps the constants those moves permuted as initializers.
    private static func planLayout(_ model: Model) throws -> Model {
        var (rewritten, _) = try Rewriter(rules: RuleRegistry.layout, maxPasses: 100_000).rewrite(model)
        guard var graph = rewritten.graph else { return rewritten }
        var kept: [Node] = []
        for node in graph.nodes {
            if node.opType == "Constant", let output = node.outputs.first, case .tensor(var tensor)? = node.attribute("value")?.value {
                tensor.name = output
                graph.initializers.append(tensor)
            } else {
                kept.append(node)
            }
        }
        graph.nodes = kept
        // Constants that the moves replaced by reordered copies (pads, axes) are read by nobody now.
        let read = Set(kept.flatMap(\.inputs)).union(graph.outputs.map(\.name))
        graph.initializers.removeAll { !read.contains($0.name) }
        rewritten.graph = graph
        return rewritten
    }

    /// Every layer (nested models included) whose class has no mapping, each once.
    static func unsupportedLayers(in model: KerasModel) -> [KerasError.LayerID] {
        var found: [KerasError.LayerID] = []
        for layer in model.layers {
            if let submodel = layer.submodel {
                found += unsupportedLayers(in: submodel)
            } else if layer.className != "InputLayer" && LayerMappings.all[layer.className] == nil {
                found.append(layer.id)
            }
        }
        return found
    }

    /// The graph input for an InputLayer: its name, dtype and shape (None sizes symbolic).
    private static func graphInput(_ layer: KerasLayer, batchSize: Int?) throws -> (Value, KerasTensor) {
        let config = layer.config
        guard let dims = (config["batch_shape"] ?? config["batch_input_shape"])?.array, !dims.isEmpty else {
            throw KerasError.layer(layer.id, "no batch_shape")
        }
        var shape = try inputShape(dims, layer: layer)
        if let batchSize { shape[0] = batchSize }
        try checkBudget(shape, layer: layer)
        let symbolic = shape.enumerated().map { i, size -> Dimension in
            if let size { return .known(Int64(size)) }
            return .symbolic(i == 0 ? "batch" : "\(layer.name)_dim\(i)")
        }
        let dataType = try KerasDType.onnx(config["dtype"], layer: layer.id)
        let value = Value(name: layer.name, type: .tensor(dataType, TensorShape(symbolic)))
        return (value, KerasTensor(name: layer.name, shape: shape))
    }

    /// The sizes of `batch_shape`: null for a size known only at run time, else a positive integer; a
    /// negative, fractional or absurd size is refused quoting the config.
    private static func inputShape(_ dims: [JSONValue], layer: KerasLayer) throws -> [Int?] {
        try dims.map { dim -> Int? in
            if dim.isNull { return nil }
            guard let size = dim.int, size >= 1 else {
                throw KerasError.layer(layer.id, "batch_shape \(JSONValue.array(dims)) has the size \(dim), not a positive integer or null")
            }
            return size
        }
    }

    /// An input's known sizes must fit the memory budget at float32: a 2^40-element input is a mistake that
    /// would surface as a failed allocation when the model is run.
    private static func checkBudget(_ shape: [Int?], layer: KerasLayer) throws {
        let known = shape.compactMap { $0 }
        let budget = MemoryBudget.current
        guard let count = ShapeArithmetic.product(known), count <= budget.bytes / 4 else {
            let shown = shape.map { $0.map(String.init) ?? "None" }.joined(separator: ", ")
            throw KerasError.layer(layer.id, "input shape (\(shown)) is over the memory budget of \(budget) (--max-memory) at float32")
        }
    }

    /// An input taken channels-first: the graph input's dims move the channel axis to 1, and a Transpose
    /// gives the Keras layer its channels-last tensor (the layout step cancels it against the first Conv's).
    private static func channelsFirst(_ value: Value, _ tensor: KerasTensor, _ layer: KerasLayer,
                                      _ builder: GraphBuilder) throws -> (Value, KerasTensor) {
        guard tensor.rank >= 3, let (dataType, shape) = value.type?.tensorType, let dataType, let dims = shape?.dims else {
            throw KerasError.option("--inputs-as-nchw: input '\(layer.name)' has rank \(tensor.rank); only inputs of rank 3 or more have a channel axis to move")
        }
        let rank = dims.count
        let flipped = Value(name: value.name, type: .tensor(dataType, TensorShape([dims[0], dims[rank - 1]] + dims[1..<(rank - 1)])))
        builder.layer = layer.id
        return (flipped, KerasTensor(name: Layout.channelsLast(value.name, rank: rank, builder), shape: tensor.shape))
    }

    /// The graph output for a model output: named after its layer (the value is renamed, or copied with
    /// Identity when it is also a graph input or another output).
    private static func graphOutput(_ ref: KerasTensorRef, _ tensor: KerasTensor, builder: GraphBuilder, taken: [String]) -> Value {
        let base = ref.tensor == 0 ? ref.layer : "\(ref.layer):\(ref.tensor)"
        var name = base, suffix = 1
        while taken.contains(name) {
            name = "\(base)_\(suffix)"
            suffix += 1
        }
        builder.reserve(name)
        if taken.contains(tensor.name) || !builder.renameOutput(tensor.name, to: name) {
            builder.layer = KerasError.LayerID("Output", ref.layer)
            builder.add("Identity", [tensor.name], named: [name])
        }
        let dims = tensor.shape.enumerated().map { i, size -> Dimension in
            size.map { .known(Int64($0)) } ?? .symbolic(i == 0 ? "batch" : "\(name)_dim\(i)")
        }
        return Value(name: name, type: .tensor(.float, TensorShape(dims)))
    }
}

/// Converts the calls of one model (or nested model) in dependency order.
private struct ModelRun {
    let builder: GraphBuilder
    let weights: any KerasWeightSource
    let kerasVersion: Int
    var layersConverted = 0

    mutating func convert(_ model: KerasModel, scope: [String], values: inout [KerasTensorRef: KerasTensor]) throws {
        var pending: [(layer: KerasLayer, call: Int)] = model.layers.flatMap { layer in
            layer.calls.indices.map { (layer, $0) }
        }
        var cachedWeights: [String: [KerasWeight]] = [:]
        while !pending.isEmpty {
            let before = pending.count
            var waiting: [(layer: KerasLayer, call: Int)] = []
            for (layer, index) in pending {
                let call = layer.calls[index]
                let refs = call.inputs + call.tensorArguments.keys.sorted().compactMap { call.tensorArguments[$0] }
                guard refs.allSatisfy({ values[$0] != nil }) else {
                    waiting.append((layer, index))
                    continue
                }
                let inputs = refs.compactMap { values[$0] }
                let outputs: [KerasTensor]
                if let submodel = layer.submodel {
                    outputs = try inline(submodel, inputs: inputs, layer: layer, scope: scope + [layer.name])
                } else {
                    // Only a shared layer keeps its weights for its next call: the others let theirs go as
                    // soon as the mapping has made its initializers.
                    let layerWeights = try cachedWeights[layer.name] ?? weights.weights(for: layer, scope: scope)
                    if layer.calls.count > 1 { cachedWeights[layer.name] = layerWeights }
                    outputs = try convert(layer, call: call, inputs: inputs, weights: layerWeights)
                }
                for (t, tensor) in outputs.enumerated() { values[KerasTensorRef(layer.name, index, t)] = tensor }
                if index == 0 { layersConverted += 1 }
            }
            pending = waiting
            if pending.count == before {
                let names = pending.map { "\($0.layer.name)[\($0.call)]" }.joined(separator: ", ")
                throw KerasError.malformedConfig("calls whose inputs are never computed: \(names)")
            }
        }
    }

    private func convert(_ layer: KerasLayer, call: KerasCall, inputs: [KerasTensor], weights: [KerasWeight]) throws -> [KerasTensor] {
        guard let mapping = LayerMappings.all[layer.className] else { throw KerasError.unsupportedLayers([layer.id]) }
        builder.layer = layer.id
        let inputs = LayerMappings.acceptingFeatureOrder.contains(layer.className)
            ? inputs : inputs.map { Layout.kerasOrder($0, builder) }
        let context = LayerContext(layer: layer, call: call, inputs: inputs, weights: weights, builder: builder,
                                   kerasVersion: kerasVersion)
        let outputs = try mapping(context)
        for output in outputs { try context.checkOutput(output.shape) }
        return outputs
    }

    /// A nested model: its input layers take the call's inputs, its layers are converted in its own scope.
    private mutating func inline(_ model: KerasModel, inputs: [KerasTensor], layer: KerasLayer, scope: [String]) throws -> [KerasTensor] {
        guard inputs.count == model.inputs.count else {
            throw KerasError.layer(layer.id, "nested model takes \(model.inputs.count) inputs, called with \(inputs.count)")
        }
        var values: [KerasTensorRef: KerasTensor] = [:]
        for (ref, tensor) in zip(model.inputs, inputs) { values[ref] = tensor }
        try convert(model, scope: scope, values: &values)
        return try model.outputs.map { ref in
            guard let tensor = values[ref] else { throw KerasError.layer(layer.id, "nested output \(ref) was never computed") }
            return tensor
        }
    }
}

/// Keras dtype spellings: a string (Keras 2, and Keras 3 inputs) or a `DTypePolicy` object (Keras 3 layers).
enum KerasDType {
    static func onnx(_ json: JSONValue?, layer: KerasError.LayerID) throws -> DataType {
        let name = json?.string ?? json?["config"]?["name"]?.string ?? "float32"
        switch name {
        case "float32", "mixed_float16", "mixed_bfloat16": return .float
        case "float64": return .double
        case "float16": return .float16
        case "int32": return .int32
        case "int64": return .int64
        case "uint8": return .uint8
        case "int8": return .int8
        case "bool": return .bool
        default: throw KerasError.layer(layer, "dtype \(name) is not supported")
        }
    }
}
