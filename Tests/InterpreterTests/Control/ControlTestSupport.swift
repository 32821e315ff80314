import Foundation
import ONNX
@testable import Interpreter

/// Runs one node of the Control family as the executor would: kernel from the standard registry for
/// the opset, prepared from the node (graph attributes planned), run on runtime values.
enum ControlTestSupport {
    static func run(_ op: String, opset: Int, inputs: [RuntimeValue?], outputs: Int = 1,
                    attributes: [Attribute] = []) throws -> [RuntimeValue?] {
        try NodeRunner.run(op, opset: opset, inputs: inputs, outputs: outputs, attributes: attributes)
    }

    static func tensors(_ op: String, opset: Int, _ inputs: [TensorValue?], outputs: Int = 1,
                        _ attributes: [Attribute] = []) throws -> [TensorValue] {
        try run(op, opset: opset, inputs: inputs.map { $0.map { .tensor($0) } }, outputs: outputs, attributes: attributes)
            .prefix(outputs).map { value in
                guard let t = value?.tensor else { throw KernelError("\(op) output is not a tensor") }
                return t
            }
    }

    static func floats(_ shape: [Int], _ values: [Float]) -> TensorValue { TensorValue(shape: shape, values: values) }
    static func int(_ name: String, _ v: Int64) -> Attribute { Attribute(name: name, value: .int(v)) }
    static func ints(_ name: String, _ v: [Int64]) -> Attribute { Attribute(name: name, value: .ints(v)) }
    static func float(_ name: String, _ v: Float) -> Attribute { Attribute(name: name, value: .float(v)) }
    static func string(_ name: String, _ v: String) -> Attribute { Attribute(name: name, value: .string(Data(v.utf8))) }
    static func graph(_ name: String, _ g: Graph) -> Attribute { Attribute(name: name, value: .graph(g)) }

    /// A graph of Identity nodes: output k is Identity(input `wiring[k]`).
    static func identityGraph(inputs: [String], wiring: [(output: String, input: String)]) -> Graph {
        Graph(name: "body",
              nodes: wiring.map { Node(opType: "Identity", inputs: [$0.input], outputs: [$0.output]) },
              inputs: inputs.map { Value(name: $0) },
              outputs: wiring.map { Value(name: $0.output) })
    }

    /// Whether all values are within `tolerance` of the expected ones.
    static func close(_ actual: [Float]?, _ expected: [Float], tolerance: Float = 1e-5) -> Bool {
        guard let actual, actual.count == expected.count else { return false }
        return zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }
}
