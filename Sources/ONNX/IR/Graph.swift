/// A computation graph (`GraphProto`): the model's main graph or a subgraph held by a node attribute.
public struct Graph: Equatable, Sendable {
    @Presence public var name: String
    public var nodes: [Node]
    public var inputs: [Value]
    public var outputs: [Value]
    public var initializers: [Tensor]
    public var sparseInitializers: [SparseTensor]
    /// Types of intermediate values (shape-inference results and annotations).
    public var valueInfo: [Value]
    public var quantizationAnnotations: [TensorAnnotation]
    public var docString: String?
    public var metadata: [MetadataEntry]

    public init(
        name: String?, nodes: [Node] = [], inputs: [Value] = [], outputs: [Value] = [],
        initializers: [Tensor] = [], sparseInitializers: [SparseTensor] = [], valueInfo: [Value] = [],
        quantizationAnnotations: [TensorAnnotation] = [], docString: String? = nil, metadata: [MetadataEntry] = []
    ) {
        _name = Presence(name)
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.initializers = initializers
        self.sparseInitializers = sparseInitializers
        self.valueInfo = valueInfo
        self.quantizationAnnotations = quantizationAnnotations
        self.docString = docString
        self.metadata = metadata
    }

    /// Inputs that are not also initializers (IR < 4 lists initializers among the inputs).
    public var runtimeInputs: [Value] {
        let initialized = Set(initializers.map(\.name))
        return inputs.filter { !initialized.contains($0.name) }
    }

    /// Calls `body` on this graph and every graph nested in it, depth first.
    public func forEachGraph(_ body: (Graph) throws -> Void) rethrows {
        try body(self)
        for node in nodes {
            for subgraph in node.subgraphs { try subgraph.forEachGraph(body) }
        }
    }
}

/// Quantization parameters attached to a tensor (`TensorAnnotation`).
public struct TensorAnnotation: Equatable, Sendable {
    @Presence public var tensorName: String
    public var quantParameterTensorNames: [MetadataEntry]

    public init(tensorName: String?, quantParameterTensorNames: [MetadataEntry]) {
        _tensorName = Presence(tensorName)
        self.quantParameterTensorNames = quantParameterTensorNames
    }
}
