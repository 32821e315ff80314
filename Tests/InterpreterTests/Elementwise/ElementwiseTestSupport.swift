import Foundation
import ONNX
@testable import Interpreter

/// Runs one node of the Elementwise family as the executor would: the kernel of the standard registry
/// for the opset, prepared from the node, run on the given inputs.
enum ElementwiseTestSupport {
    static func run(_ op: String, opset: Int, _ inputs: [TensorValue?], _ attributes: [Attribute] = []) throws -> TensorValue {
        guard let tensor = try NodeRunner.run(op, opset: opset, tensors: inputs, attributes: attributes).first ?? nil else {
            throw KernelError("\(op) produced no tensor")
        }
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
