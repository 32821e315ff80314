import Foundation

/// One operator application (`NodeProto`). Inputs and outputs are value names; an empty name marks an
/// optional input or output that is left out.
public struct Node: Equatable, Sendable {
    @Presence public var opType: String
    @Presence public var domain: String
    @Presence public var name: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [Attribute]
    public var overload: String?
    public var docString: String?
    public var metadata: [MetadataEntry]
    /// Multi-device sharding annotations, kept as read: this tool carries them but does not interpret them.
    public var deviceConfigurations: [Onnx_NodeDeviceConfigurationProto]

    public init(
        opType: String?, domain: String? = nil, name: String? = nil,
        inputs: [String], outputs: [String], attributes: [Attribute] = [],
        overload: String? = nil, docString: String? = nil, metadata: [MetadataEntry] = [],
        deviceConfigurations: [Onnx_NodeDeviceConfigurationProto] = []
    ) {
        _opType = Presence(opType)
        _domain = Presence(domain)
        _name = Presence(name)
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.overload = overload
        self.docString = docString
        self.metadata = metadata
        self.deviceConfigurations = deviceConfigurations
    }

    /// The attribute called `name`, if the node has it.
    public func attribute(_ name: String) -> Attribute? {
        attributes.first { $0.name == name }
    }

    /// "name (OpType)" or just "OpType" for unnamed nodes, as errors print it.
    public var label: String { name.isEmpty ? opType : "\(name) (\(opType))" }

    /// The graphs held in attributes (If branches, Loop and Scan bodies).
    public var subgraphs: [Graph] {
        attributes.flatMap { attribute -> [Graph] in
            switch attribute.value {
            case .graph(let g): return [g]
            case .graphs(let gs): return gs
            default: return []
            }
        }
    }
}
