@testable import ONNX

/// Small graphs for checker, ordering and naming tests: `node("Relu", ["x"], ["y"])`.
enum GraphBuilder {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String? = nil,
                     domain: String? = nil, attributes: [Attribute] = []) -> Node {
        Node(opType: op, domain: domain, name: name ?? "\(op.lowercased())_\(outputs.first ?? "")",
             inputs: inputs, outputs: outputs, attributes: attributes)
    }

    static func value(_ name: String, _ type: DataType = .float, _ dims: [Int64] = [2, 3]) -> Value {
        Value(name: name, type: .tensor(type, TensorShape(dims)))
    }

    static func model(_ nodes: [Node], inputs: [String] = ["x"], outputs: [String] = ["y"],
                      initializers: [Tensor] = [], opset: Int64 = 17) -> Model {
        Model(
            irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: opset)],
            graph: Graph(name: "g", nodes: nodes, inputs: inputs.map { value($0) },
                         outputs: outputs.map { value($0) }, initializers: initializers))
    }

    static func attribute(_ name: String, _ value: Attribute.Value) -> Attribute {
        Attribute(name: name, value: value)
    }
}
