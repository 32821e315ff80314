import Foundation
import ONNX
@testable import Interpreter

/// Runs one node of the Elementwise family as the executor would: the kernel of the standard registry
/// for the opset, prepared from the node, run on the given inputs.
enum ElementwiseTestSupport {
    static func run(_ op: String, opset: Int, _ inputs: [TensorValue?], _ attributes: [Attribute] = []) throws -> TensorValue {
        let node = Node(opType: op, name: "n", inputs: inputs.indices.map { inputs[$0] == nil ? "" : "in\($0)" },
                        outputs: ["out"], attributes: attributes)
        guard let registration = KernelRegistry.standard.kernel(domain: "", opType: op, opset: opset) else {
            throw KernelError("no kernel for \(op)-\(opset)")
        }
        let planner = GraphPlanner(registry: .standard, opsets: ["": opset])
        let kernel = try registration.make(NodeContext(node: node, opset: opset, planner: planner, outerNames: []))
        let context = ExecutionContext(environment: Environment(values: [:], parent: nil))
        let outputs = try kernel.run(inputs.map { $0.map { RuntimeValue.tensor($0) } }, context: context)
        guard let first = outputs.first, let tensor = first?.tensor else { throw KernelError("\(op) produced no tensor") }
        return tensor
    }

    static func f(_ shape: [Int], _ values: [Float]) -> TensorValue { TensorValue(shape: shape, values: values) }
    static func int(_ name: String, _ v: Int64) -> Attribute { Attribute(name: name, value: .int(v)) }
    static func float(_ name: String, _ v: Float) -> Attribute { Attribute(name: name, value: .float(v)) }
    static func string(_ name: String, _ v: String) -> Attribute { Attribute(name: name, value: .string(Data(v.utf8))) }

    /// |a − b| ≤ tolerance·max(1, |b|) elementwise; NaN matches NaN.
    static func close(_ a: [Float]?, _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        guard let a, a.count == b.count else { return false }
        return zip(a, b).allSatisfy { ($0.isNaN && $1.isNaN) || abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }
}
