/// An operator set a model imports (`OperatorSetIdProto`); the empty domain is ai.onnx.
public struct OperatorSetID: Equatable, Sendable {
    @Presence public var domain: String
    @Presence public var version: Int64

    public init(domain: String?, version: Int64?) {
        _domain = Presence(domain)
        _version = Presence(version)
    }

    /// True for the default domain, spelled "" or "ai.onnx".
    public var isDefaultDomain: Bool { domain.isEmpty || domain == "ai.onnx" }
}

/// A whole model (`ModelProto`).
public struct Model: Equatable, Sendable {
    @Presence public var irVersion: Int64
    public var opsetImports: [OperatorSetID]
    public var producerName: String?
    public var producerVersion: String?
    public var domain: String?
    public var modelVersion: Int64?
    public var docString: String?
    public var graph: Graph?
    public var metadata: [MetadataEntry]
    public var trainingInfo: [TrainingInfo]
    public var functions: [Function]
    /// Multi-device configurations, kept as read.
    public var configurations: [Onnx_DeviceConfigurationProto]

    public init(
        irVersion: Int64?, opsetImports: [OperatorSetID], graph: Graph?,
        producerName: String? = nil, producerVersion: String? = nil, domain: String? = nil,
        modelVersion: Int64? = nil, docString: String? = nil, metadata: [MetadataEntry] = [],
        trainingInfo: [TrainingInfo] = [], functions: [Function] = [],
        configurations: [Onnx_DeviceConfigurationProto] = []
    ) {
        _irVersion = Presence(irVersion)
        self.opsetImports = opsetImports
        self.graph = graph
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.domain = domain
        self.modelVersion = modelVersion
        self.docString = docString
        self.metadata = metadata
        self.trainingInfo = trainingInfo
        self.functions = functions
        self.configurations = configurations
    }

    /// The imported version of `domain` ("" and "ai.onnx" are the same domain).
    public func opsetVersion(for domain: String) -> Int64? {
        let isDefault = domain.isEmpty || domain == "ai.onnx"
        return opsetImports.first { isDefault ? $0.isDefaultDomain : $0.domain == domain }?.version
    }
}

/// A model-local function (`FunctionProto`), callable as an op of its domain.
public struct Function: Equatable, Sendable {
    @Presence public var name: String
    @Presence public var domain: String
    public var overload: String?
    public var inputs: [String]
    public var outputs: [String]
    /// Names of attributes without defaults.
    public var attributeNames: [String]
    /// Attributes with default values.
    public var attributeDefaults: [Attribute]
    public var nodes: [Node]
    public var opsetImports: [OperatorSetID]
    public var valueInfo: [Value]
    public var docString: String?
    public var metadata: [MetadataEntry]

    public init(
        name: String?, domain: String?, overload: String? = nil, inputs: [String], outputs: [String],
        attributeNames: [String] = [], attributeDefaults: [Attribute] = [], nodes: [Node],
        opsetImports: [OperatorSetID] = [], valueInfo: [Value] = [], docString: String? = nil,
        metadata: [MetadataEntry] = []
    ) {
        _name = Presence(name)
        _domain = Presence(domain)
        self.overload = overload
        self.inputs = inputs
        self.outputs = outputs
        self.attributeNames = attributeNames
        self.attributeDefaults = attributeDefaults
        self.nodes = nodes
        self.opsetImports = opsetImports
        self.valueInfo = valueInfo
        self.docString = docString
        self.metadata = metadata
    }
}

/// Training information (`TrainingInfoProto`): initialization and update graphs with their bindings.
public struct TrainingInfo: Equatable, Sendable {
    public var initialization: Graph?
    public var algorithm: Graph?
    public var initializationBinding: [MetadataEntry]
    public var updateBinding: [MetadataEntry]

    public init(initialization: Graph?, algorithm: Graph?, initializationBinding: [MetadataEntry], updateBinding: [MetadataEntry]) {
        self.initialization = initialization
        self.algorithm = algorithm
        self.initializationBinding = initializationBinding
        self.updateBinding = updateBinding
    }
}
