import ONNX
@testable import Interpreter

/// Runs one node the way the executor would: the kernel of the standard registry for the opset (of
/// `domain`, for ops outside ai.onnx), prepared from the node (graph attributes planned), run on the given
/// values. The kernel-family test helpers build on it.
enum NodeRunner {
    static func run(_ op: String, domain: String = "", opset: Int, inputs: [RuntimeValue?], outputs: Int = 1,
                    attributes: [Attribute] = []) throws -> [RuntimeValue?] {
        let node = Node(opType: op, domain: domain, name: "n",
                        inputs: inputs.indices.map { inputs[$0] == nil ? "" : "in\($0)" },
                        outputs: (0..<outputs).map { "out\($0)" }, attributes: attributes)
        guard let registration = KernelRegistry.standard.kernel(domain: domain, opType: op, opset: opset) else {
            throw KernelError("no kernel for \(op)-\(opset)")
        }
        // A node of another domain sees the latest ai.onnx opset in its graph attributes.
        var opsets = ["": domain.isEmpty ? opset : OpSchemaRegistry.standard.latestOpset(domain: "") ?? opset]
        opsets[domain] = opset
        let planner = GraphPlanner(registry: .standard, opsets: opsets)
        let kernel = try registration.make(NodeContext(node: node, opset: opset, planner: planner, outerNames: []))
        let context = ExecutionContext(environment: Environment(values: [:], parent: nil))
        return try kernel.run(inputs, context: context)
    }

    /// The same with tensor inputs and outputs.
    static func run(_ op: String, domain: String = "", opset: Int, tensors inputs: [TensorValue?], outputs: Int = 1,
                    attributes: [Attribute] = []) throws -> [TensorValue?] {
        try run(op, domain: domain, opset: opset, inputs: inputs.map { $0.map(RuntimeValue.tensor) }, outputs: outputs,
                attributes: attributes).map { $0?.tensor }
    }
}
