import Foundation
import ONNX
@testable import Interpreter

/// Runs one node of the Shape family the way the executor would: kernel looked up in the standard
/// registry for the opset, prepared from the node, run on the given inputs.
enum ShapeTestSupport {
    static func run(_ op: String, opset: Int, inputs: [TensorValue?], outputs: Int = 1,
                    attributes: [Attribute] = []) throws -> [TensorValue?] {
        try NodeRunner.run(op, opset: opset, tensors: inputs, outputs: outputs, attributes: attributes)
    }

    /// The single output of a node.
    static func one(_ op: String, opset: Int, _ inputs: [TensorValue?], _ attributes: [Attribute] = []) throws -> TensorValue {
        guard let out = try run(op, opset: opset, inputs: inputs, attributes: attributes).first ?? nil else {
            throw KernelError("\(op) produced no output")
        }
        return out
    }

    static func floats(_ shape: [Int], _ values: [Float]) -> TensorValue { TensorValue(shape: shape, values: values) }
    static func ints(_ values: [Int64]) -> TensorValue { TensorValue(shape: [values.count], values: values) }
    static func int(_ name: String, _ v: Int64) -> Attribute { Attribute(name: name, value: .int(v)) }
    static func ints(_ name: String, _ v: [Int64]) -> Attribute { Attribute(name: name, value: .ints(v)) }
    static func string(_ name: String, _ v: String) -> Attribute { Attribute(name: name, value: .string(Data(v.utf8))) }
}
