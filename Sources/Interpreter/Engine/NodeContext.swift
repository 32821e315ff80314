import ONNX

/// What a kernel sees while it is prepared: the node, the opset it runs under, typed attribute access
/// (errors name the attribute), and planned subgraphs for If/Loop/Scan.
public struct NodeContext: Sendable {
    public let node: Node
    public let opset: Int
    let planner: GraphPlanner
    let outerNames: Set<String>

    public func attribute(_ name: String) -> Attribute? { node.attribute(name) }

    public func has(_ name: String) -> Bool { node.attribute(name) != nil }

    public func int(_ name: String) throws -> Int? {
        guard let a = node.attribute(name) else { return nil }
        guard case .int(let v) = a.value else { throw wrongType(a, "INT") }
        return Int(v)
    }

    public func int(_ name: String, default value: Int) throws -> Int { try int(name) ?? value }

    public func ints(_ name: String) throws -> [Int]? {
        guard let a = node.attribute(name) else { return nil }
        guard case .ints(let v) = a.value else { throw wrongType(a, "INTS") }
        return v.map { Int($0) }
    }

    public func float(_ name: String) throws -> Float? {
        guard let a = node.attribute(name) else { return nil }
        guard case .float(let v) = a.value else { throw wrongType(a, "FLOAT") }
        return v
    }

    public func float(_ name: String, default value: Float) throws -> Float { try float(name) ?? value }

    public func floats(_ name: String) throws -> [Float]? {
        guard let a = node.attribute(name) else { return nil }
        guard case .floats(let v) = a.value else { throw wrongType(a, "FLOATS") }
        return v
    }

    public func string(_ name: String) throws -> String? {
        guard let a = node.attribute(name) else { return nil }
        guard case .string = a.value, let s = a.stringValue else { throw wrongType(a, "STRING") }
        return s
    }

    public func string(_ name: String, default value: String) throws -> String { try string(name) ?? value }

    public func strings(_ name: String) throws -> [String]? {
        guard let a = node.attribute(name) else { return nil }
        guard case .strings(let v) = a.value else { throw wrongType(a, "STRINGS") }
        return v.map { String(decoding: $0, as: UTF8.self) }
    }

    public func tensor(_ name: String) throws -> TensorValue? {
        guard let a = node.attribute(name) else { return nil }
        guard case .tensor(let t) = a.value else { throw wrongType(a, "TENSOR") }
        return try TensorValue(t)
    }

    /// A required attribute: absent is an error naming it.
    public func required<T>(_ name: String, _ read: (String) throws -> T?) throws -> T {
        guard let value = try read(name) else { throw KernelError("required attribute '\(name)' is missing") }
        return value
    }

    /// The graph attribute `name`, planned with this node's scope visible to it.
    public func subgraph(_ name: String) throws -> GraphPlan {
        guard let a = node.attribute(name) else { throw KernelError("required graph attribute '\(name)' is missing") }
        guard case .graph(let graph) = a.value else { throw wrongType(a, "GRAPH") }
        return try planner.plan(graph, outerNames: outerNames)
    }

    private func wrongType(_ a: Attribute, _ expected: String) -> KernelError {
        KernelError("attribute '\(a.name)' is \(a.type), expected \(expected)")
    }
}
