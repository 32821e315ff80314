import Foundation
import Testing
import ONNX
import Interpreter
@testable import Rewrite

/// The layout rules on channels-last patterns as the Keras frontend writes them: transposes move down and
/// cancel, and the rewritten graph computes the same values (run on the reference interpreter).
@Suite struct TransposeRulesTests {
    static let toNHWC = Attribute(name: "perm", value: .ints([0, 2, 3, 1]))
    static let toNCHW = Attribute(name: "perm", value: .ints([0, 3, 1, 2]))

    static func model(_ nodes: [Node], initializers: [Tensor], opset: Int64 = 17, output: String = "y") -> Model {
        let input = Value(name: "x", type: .tensor(.float, TensorShape([.known(1), .known(3), .known(4), .known(5)])))
        return Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: opset)],
                     graph: Graph(name: "g", nodes: nodes, inputs: [input], outputs: [Value(name: output)],
                                  initializers: initializers))
    }

    static func run(_ model: Model) throws -> [Float] {
        let x = (0..<60).map { Float(($0 * 17) % 23) / 5 - 2 }
        let result = try Interpreter(model: model).run(["x": .tensor(TensorValue(shape: [1, 3, 4, 5], values: x))])
        return result.outputs.first?.value.tensor?.values(Float.self) ?? []
    }

    static func rewritten(_ model: Model) throws -> Model {
        try Rewriter(rules: RuleRegistry.layout, maxPasses: 1000).rewrite(model).0
    }

    static func count(_ op: String, _ model: Model) -> Int { model.graph?.nodes.filter { $0.opType == op }.count ?? 0 }

    static func int64s(_ name: String, _ values: [Int64]) -> Tensor {
        Tensor(name: name, dataType: .int64, dims: [Int64(values.count)], raw: values.withUnsafeBytes { Data($0) })
    }

    @Test func elementwiseChainBetweenInverseTransposesLosesBoth() throws {
        // x (NCHW) → NHWC → ·scale[C] + shift[C] → Relu → Clip(0, 6) → NCHW: what a Conv, BatchNormalization, ReLU6, Conv
        // chain of a channels-last model becomes.
        let nodes = [Node(opType: "Transpose", name: "t1", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "Mul", inputs: ["a", "scale"], outputs: ["b"]),
                     Node(opType: "Add", inputs: ["b", "shift"], outputs: ["c"]),
                     Node(opType: "Relu", inputs: ["c"], outputs: ["d"]),
                     Node(opType: "Clip", inputs: ["d", "lo", "hi"], outputs: ["e"]),
                     Node(opType: "Transpose", name: "t2", inputs: ["e"], outputs: ["y"], attributes: [Self.toNCHW])]
        let model = Self.model(nodes, initializers: [Tensor(name: "scale", dims: [3], floats: [0.5, -1, 2]),
                                                     Tensor(name: "shift", dims: [3], floats: [1, 0, -3]),
                                                     Tensor(name: "lo", dims: [], floats: [0]), Tensor(name: "hi", dims: [], floats: [6])])
        let after = try Self.rewritten(model)
        #expect(Self.count("Transpose", after) == 0)
        #expect(try Self.run(after) == Self.run(model))
    }

    @Test func transposesThatDoNotCancelCompose() throws {
        let nodes = [Node(opType: "Transpose", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "Transpose", inputs: ["a"], outputs: ["y"], attributes: [Self.toNHWC])]
        let model = Self.model(nodes, initializers: [])
        let after = try Self.rewritten(model)
        #expect(Self.count("Transpose", after) == 1)
        // Applying [0, 2, 3, 1] twice: element i comes from axis p[p[i]].
        let p = [0, 2, 3, 1]
        #expect(after.graph?.nodes.first?.attribute("perm")?.value == .ints(p.map { Int64(p[$0]) }))
        #expect(try Self.run(after) == Self.run(model))
    }

    @Test(arguments: [Int64(17), 18])
    func padAndGlobalPoolingNeedNoTranspose(opset: Int64) throws {
        // NHWC → Pad (1 row top, 2 columns right) → ReduceMean over H and W: global average pooling.
        var nodes = [Node(opType: "Transpose", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "Pad", inputs: ["a", "pads"], outputs: ["p"])]
        var initializers = [Self.int64s("pads", [0, 1, 0, 0, 0, 0, 2, 0])]
        if opset >= 18 {
            nodes.append(Node(opType: "ReduceMean", inputs: ["p", "axes"], outputs: ["y"],
                              attributes: [Attribute(name: "keepdims", value: .int(0))]))
            initializers.append(Self.int64s("axes", [1, 2]))
        } else {
            nodes.append(Node(opType: "ReduceMean", inputs: ["p"], outputs: ["y"],
                              attributes: [Attribute(name: "axes", value: .ints([1, 2])), Attribute(name: "keepdims", value: .int(0))]))
        }
        let model = Self.model(nodes, initializers: initializers, opset: opset)
        let after = try Self.rewritten(model)
        #expect(Self.count("Transpose", after) == 0)
        #expect(try Self.run(after) == Self.run(model))
    }

    @Test func reductionThatReordersKeptAxesKeepsATranspose() throws {
        // NHWC then reducing W only leaves [N, H, C], which is not the order of x's kept axes [N, C, H].
        let nodes = [Node(opType: "Transpose", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "ReduceMax", inputs: ["a"], outputs: ["y"],
                          attributes: [Attribute(name: "axes", value: .ints([2])), Attribute(name: "keepdims", value: .int(0))])]
        let model = Self.model(nodes, initializers: [])
        let after = try Self.rewritten(model)
        #expect(after.graph?.nodes.map(\.opType) == ["ReduceMax", "Transpose"])
        #expect(try Self.run(after) == Self.run(model))
    }

    @Test func aGraphOutputKeepsItsName() throws {
        let nodes = [Node(opType: "Transpose", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "Transpose", inputs: ["a"], outputs: ["y"], attributes: [Self.toNCHW])]
        let after = try Self.rewritten(Self.model(nodes, initializers: []))
        #expect(after.graph?.nodes.map(\.opType) == ["Identity"] && after.graph?.nodes.first?.outputs == ["y"])
    }

    @Test func aTransposeReadTwiceEndsAsOneAtTheOutput() throws {
        // The transposed value feeds Relu and Add: Relu gets a copy and both ops move above the transpose,
        // which is left once, in front of the graph output.
        let nodes = [Node(opType: "Transpose", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "Relu", inputs: ["a"], outputs: ["b"]),
                     Node(opType: "Add", inputs: ["a", "b"], outputs: ["y"])]
        let model = Self.model(nodes, initializers: [])
        let after = try Self.rewritten(model)
        #expect(Self.count("Transpose", after) == 1 && after.graph?.nodes.last?.opType == "Transpose")
        #expect(try Self.run(after) == Self.run(model))
    }

    @Test func sharedTransposeThroughAResidualAndAChannelConcat() throws {
        // a = NHWC(x) feeds a Relu and, with it, a channel Concat and an Add: each reader gets its own copy,
        // every copy moves down, and they all meet the NCHW transpose at the end.
        let nodes = [Node(opType: "Transpose", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "Relu", inputs: ["a"], outputs: ["r"]),
                     Node(opType: "Add", inputs: ["a", "r"], outputs: ["s"]),
                     Node(opType: "Concat", inputs: ["s", "r"], outputs: ["c"], attributes: [Attribute(name: "axis", value: .int(3))]),
                     Node(opType: "Mul", inputs: ["c", "scale"], outputs: ["m"]),
                     Node(opType: "Transpose", inputs: ["m"], outputs: ["y"], attributes: [Self.toNCHW])]
        let model = Self.model(nodes, initializers: [Tensor(name: "scale", dims: [6], floats: [1, -1, 2, 0.5, 3, -2])])
        let after = try Self.rewritten(model)
        #expect(Self.count("Transpose", after) == 0, "\(after.graph?.nodes.map(\.opType) ?? [])")
        #expect(try Self.run(after) == Self.run(model))
    }

    @Test func squeezeAndExcitationGatesNeedNoTranspose() throws {
        // What an EfficientNet SE block becomes: NHWC → global pool → Reshape to [N, 1, 1, C] → NCHW for a 1×1
        // conv (here a Mul) → NHWC → gate the feature map → NCHW. The Reshape takes the move to [N, C, 1, 1].
        let nodes = [Node(opType: "Transpose", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "ReduceMean", inputs: ["a"], outputs: ["pooled"],
                          attributes: [Attribute(name: "axes", value: .ints([1, 2])), Attribute(name: "keepdims", value: .int(0))]),
                     Node(opType: "Reshape", inputs: ["pooled", "se_shape"], outputs: ["se"]),
                     Node(opType: "Transpose", inputs: ["se"], outputs: ["se_nchw"], attributes: [Self.toNCHW]),
                     Node(opType: "Sigmoid", inputs: ["se_nchw"], outputs: ["gate_nchw"]),
                     Node(opType: "Transpose", inputs: ["gate_nchw"], outputs: ["gate"], attributes: [Self.toNHWC]),
                     Node(opType: "Mul", inputs: ["a", "gate"], outputs: ["m"]),
                     Node(opType: "Transpose", inputs: ["m"], outputs: ["y"], attributes: [Self.toNCHW])]
        let model = Self.model(nodes, initializers: [Self.int64s("se_shape", [-1, 1, 1, 3])])
        let after = try Self.rewritten(model)
        #expect(Self.count("Transpose", after) == 0, "\(after.graph?.nodes.map(\.opType) ?? [])")
        #expect(try Self.run(after) == Self.run(model))
    }

    @Test func reshapeIsNotFoldedWhenTheTransposeMovesRealAxes() throws {
        // [1, 60] → [1, 3, 20] → [1, 20, 3] moves axes of size 3 and 20: the Transpose must stay.
        let nodes = [Node(opType: "Reshape", inputs: ["x", "shape"], outputs: ["r"]),
                     Node(opType: "Transpose", inputs: ["r"], outputs: ["y"], attributes: [Attribute(name: "perm", value: .ints([0, 2, 1]))])]
        let model = Self.model(nodes, initializers: [Self.int64s("shape", [1, 3, 20])])
        let after = try Self.rewritten(model)
        #expect(after.graph?.nodes.map(\.opType) == ["Reshape", "Transpose"])
    }

    @Test(arguments: [true, false])
    func cropBetweenConvolutionsNeedsNoTranspose(explicitAxes: Bool) throws {
        // NHWC → crop one row off the top and two columns off the right (Keras Cropping2D) → NCHW.
        var inputs = ["a", "starts", "ends"]
        var initializers = [Self.int64s("starts", explicitAxes ? [1, 0] : [0, 1, 0, 0]),
                            Self.int64s("ends", explicitAxes ? [Int64.max, -2] : [Int64.max, Int64.max, -2, Int64.max])]
        if explicitAxes {
            inputs.append("axes")
            initializers.append(Self.int64s("axes", [1, -2]))
        }
        let nodes = [Node(opType: "Transpose", inputs: ["x"], outputs: ["a"], attributes: [Self.toNHWC]),
                     Node(opType: "Slice", inputs: inputs, outputs: ["s"]),
                     Node(opType: "Transpose", inputs: ["s"], outputs: ["y"], attributes: [Self.toNCHW])]
        let model = Self.model(nodes, initializers: initializers)
        let after = try Self.rewritten(model)
        #expect(Self.count("Transpose", after) == 0, "\(after.graph?.nodes.map(\.opType) ?? [])")
        #expect(try Self.run(after) == Self.run(model))
        #expect(try Self.run(model).count == 3 * 3 * 3)
    }
}
