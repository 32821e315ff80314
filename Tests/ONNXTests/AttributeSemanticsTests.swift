import Foundation
import Testing
@testable import ONNX

/// Attribute values no runtime can execute are checker problems naming the node: the converters run the
/// checker before writing, so such a model is never written with exit 0.
@Suite struct AttributeSemanticsTests {
    typealias B = GraphBuilder
    let checker = ModelChecker()

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var node: Node
        /// What the one problem says, or nil when the node is fine.
        var says: String?
        var testDescription: String { label }
    }

    static func node(_ op: String, _ attributes: [(String, Attribute.Value)], inputs: [String] = ["x"]) -> Node {
        B.node(op, inputs, ["y"], name: "n", attributes: attributes.map { B.attribute($0.0, $0.1) })
    }

    // The graph input x is [2, 3]: rank 2.
    static let cases: [Case] = [
        Case(label: "perm with a repeated axis", node: node("Transpose", [("perm", .ints([0, 0]))]), says: "is [0, 0], not a permutation of 0..<2"),
        Case(label: "perm for another rank", node: node("Transpose", [("perm", .ints([0, 2, 1]))]), says: "has 3 axes for an input of rank 2"),
        Case(label: "a permutation", node: node("Transpose", [("perm", .ints([1, 0]))]), says: nil),
        Case(label: "Softmax axis beyond the rank", node: node("Softmax", [("axis", .int(5))]), says: "is 5, outside [-2, 2) for an input of rank 2"),
        Case(label: "Softmax axis -2", node: node("Softmax", [("axis", .int(-2))]), says: nil),
        Case(label: "Concat axis 2^62", node: node("Concat", [("axis", .int(1 << 62))]), says: "outside [-2, 2)"),
        Case(label: "MaxPool stride 0", node: node("MaxPool", [("kernel_shape", .ints([2])), ("strides", .ints([0]))]), says: "holds 0 in [0]; every value must be at least 1"),
        Case(label: "MaxPool kernel 0", node: node("MaxPool", [("kernel_shape", .ints([0]))]), says: "'kernel_shape' holds 0"),
        Case(label: "Conv dilation 0", node: node("Conv", [("dilations", .ints([0]))], inputs: ["x", "x"]), says: "'dilations' holds 0"),
        Case(label: "Conv negative pads", node: node("Conv", [("pads", .ints([0, -1]))], inputs: ["x", "x"]), says: "'pads' holds -1 in [0, -1]; no value may be negative"),
        Case(label: "BatchNormalization NaN epsilon",
             node: node("BatchNormalization", [("epsilon", .float(.nan))], inputs: ["x", "x", "x", "x", "x"]), says: "'epsilon' is nan"),
        Case(label: "LayerNormalization negative epsilon", node: node("LayerNormalization", [("epsilon", .float(-1))], inputs: ["x", "x"]),
             says: "'epsilon' is -1.0; it must be a finite number ≥ 0"),
        Case(label: "ReduceSum axes twice", node: node("ReduceSum", [("axes", .ints([1, -1]))]), says: "is [1, -1]: an axis appears twice"),
        Case(label: "DepthToSpace blocksize 0", node: node("DepthToSpace", [("blocksize", .int(0))]), says: "'blocksize' is 0; it must be at least 1"),
    ]

    @Test("attribute values", arguments: cases)
    func attributeValues(_ testCase: Case) {
        let opset: Int64 = testCase.node.opType == "ReduceSum" ? 11 : 17
        let problems = checker.check(B.model([testCase.node], opset: opset))
        if let says = testCase.says {
            #expect(problems.count == 1, "\(problems)")
            #expect(problems.first?.node == "n (\(testCase.node.opType))")
            #expect(problems.first?.message.contains(says) == true, "\(problems)")
        } else {
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func ranksFlowThroughMatMulAndElementwiseOps() {
        // x [2, 3] · w [3, 4] → [2, 4] → Relu → Softmax(axis 2) is beyond the rank.
        let w = Tensor(name: "w", dataType: .float, dims: [3, 4], raw: Data(count: 48))
        let model = B.model([
            B.node("MatMul", ["x", "w"], ["h"]),
            B.node("Relu", ["h"], ["r"]),
            B.node("Softmax", ["r"], ["y"], name: "s", attributes: [B.attribute("axis", .int(2))]),
        ], initializers: [w])
        let problems = checker.check(model)
        #expect(problems.map(\.node) == ["s (Softmax)"], "\(problems)")
    }
}
