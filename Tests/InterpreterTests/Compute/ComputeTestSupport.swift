import Foundation
import ONNX
@testable import Interpreter

/// Runs one node of the Compute family the way the executor would: kernel looked up in the standard
/// registry for the opset, prepared from the node, run on the given inputs.
enum ComputeTestSupport {
    static func run(_ op: String, opset: Int, inputs: [TensorValue?], outputs: Int = 1,
                    attributes: [Attribute] = []) throws -> [TensorValue?] {
        try NodeRunner.run(op, opset: opset, tensors: inputs, outputs: outputs, attributes: attributes)
    }

    /// The first output of a node.
    static func one(_ op: String, opset: Int, _ inputs: [TensorValue?], _ attributes: [Attribute] = []) throws -> TensorValue {
        guard let out = try run(op, opset: opset, inputs: inputs, attributes: attributes).first ?? nil else {
            throw KernelError("\(op) produced no output")
        }
        return out
    }

    static func floats(_ shape: [Int], _ values: [Float]) -> TensorValue { TensorValue(shape: shape, values: values) }
    static func doubles(_ shape: [Int], _ values: [Double]) -> TensorValue { TensorValue(shape: shape, values: values) }
    static func int64s(_ shape: [Int], _ values: [Int64]) -> TensorValue { TensorValue(shape: shape, values: values) }
    static func int(_ name: String, _ v: Int64) -> Attribute { Attribute(name: name, value: .int(v)) }
    static func float(_ name: String, _ v: Float) -> Attribute { Attribute(name: name, value: .float(v)) }
    static func ints(_ name: String, _ v: [Int64]) -> Attribute { Attribute(name: name, value: .ints(v)) }
    static func string(_ name: String, _ v: String) -> Attribute { Attribute(name: name, value: .string(Data(v.utf8))) }

    /// Elementwise |a − b| ≤ tolerance, same length.
    static func close(_ a: [Float]?, _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        guard let a, a.count == b.count else { return false }
        return zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    static func close(_ a: [Double]?, _ b: [Double], tolerance: Double = 1e-12) -> Bool {
        guard let a, a.count == b.count else { return false }
        return zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }
}
