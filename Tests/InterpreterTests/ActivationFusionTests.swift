import Foundation
import Testing
import ONNX
@testable import Interpreter

/// Relu and Clip fused into the op before them: the fused steps must give the same bits as every node on
/// its own, and fusion must keep away from values that something else still needs.
@Suite struct ActivationFusionTests {
    static func input(_ name: String, _ type: DataType = .float, _ dims: [Int64]) -> Value {
        Value(name: name, type: .tensor(type, TensorShape(dims.map { Dimension.known($0) })))
    }

    static func model(_ nodes: [Node], inputs: [Value], outputs: [String], initializers: [Tensor]) -> Model {
        Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 18)],
              graph: Graph(name: "g", nodes: nodes, inputs: inputs, outputs: outputs.map { Value(name: $0) },
                           initializers: initializers))
    }

    /// Conv → Clip(0, 6) and Conv → Add → Relu, with a NaN and a −0 among the Add's inputs.
    static let convModel: Model = {
        let weights: [Float] = (0..<54).map { (i: Int) -> Float in Float((i * 7) % 11) / 5 - 1 }
        let nodes: [Node] = [
            Node(opType: "Conv", name: "conv1", inputs: ["x", "w", "b"], outputs: ["c1"],
                 attributes: [Attribute(name: "pads", value: .ints([1, 1, 1, 1]))]),
            Node(opType: "Clip", name: "clip", inputs: ["c1", "lo", "hi"], outputs: ["y1"]),
            Node(opType: "Conv", name: "conv2", inputs: ["x", "w"], outputs: ["c2"],
                 attributes: [Attribute(name: "pads", value: .ints([1, 1, 1, 1]))]),
            Node(opType: "Add", name: "add", inputs: ["c2", "r"], outputs: ["s"]),
            Node(opType: "Relu", name: "relu", inputs: ["s"], outputs: ["y2"]),
        ]
        return model(nodes, inputs: [input("x", .float, [1, 2, 4, 4]), input("r", .float, [1, 3, 4, 4])],
                     outputs: ["y1", "y2"],
                     initializers: [Tensor(name: "w", dims: [3, 2, 3, 3], floats: weights),
                                    Tensor(name: "b", dims: [3], floats: [0.5, -2, 7]),
                                    Tensor(name: "lo", dims: [], floats: [0]), Tensor(name: "hi", dims: [], floats: [6])])
    }()

    static func feeds() -> [String: RuntimeValue] {
        let x: [Float] = (0..<32).map { (i: Int) -> Float in Float((i * 13) % 17) - 8 }
        var r: [Float] = (0..<48).map { (i: Int) -> Float in Float((i * 5) % 9) - 4 }
        r[3] = .nan
        r[7] = -0.0
        return ["x": .tensor(TensorValue(shape: [1, 2, 4, 4], values: x)),
                "r": .tensor(TensorValue(shape: [1, 3, 4, 4], values: r))]
    }

    static func bits(_ result: Interpreter.Result) -> [[UInt32]] {
        result.outputs.map { ($0.value.tensor?.values(Float.self) ?? []).map(\.bitPattern) }
    }

    @Test func fusedStepsGiveTheSameBits() throws {
        let interpreter = try Interpreter(model: Self.convModel)
        #expect(interpreter.plan.fusedSteps.map(\.opType) == ["Conv+Clip", "Conv", "Add+Relu"])
        #expect(interpreter.plan.steps.count == 5)
        let fused = try interpreter.run(Self.feeds())
        let separate = try interpreter.run(Self.feeds(), fuseActivations: false)
        #expect(Self.bits(fused) == Self.bits(separate))
        let y2 = fused.outputs[1].value.tensor?.values(Float.self) ?? []
        #expect(y2[3].isNaN && y2.allSatisfy { $0.isNaN || $0 >= 0 })
        let y1 = fused.outputs[0].value.tensor?.values(Float.self) ?? []
        #expect(y1.contains(0) && y1.contains(6) && y1.allSatisfy { $0 >= 0 && $0 <= 6 })
    }

    @Test func tiledAndDepthwiseConvolutionsApplyTheActivationPerTile() throws {
        // 40×40 planes: the 3×3 Conv runs in output tiles, the depthwise one in chunks of planes; each
        // applies its activation as it goes, and must match Conv then Relu/Clip bit for bit.
        let w: [Float] = (0..<(8 * 4 * 9)).map { (i: Int) -> Float in Float((i * 7) % 11) / 5 - 1 }
        let dw: [Float] = (0..<(8 * 9)).map { (i: Int) -> Float in Float((i * 5) % 7) / 3 - 1 }
        let nodes: [Node] = [
            Node(opType: "Conv", inputs: ["x", "w"], outputs: ["c"], attributes: [Attribute(name: "pads", value: .ints([1, 1, 1, 1]))]),
            Node(opType: "Relu", inputs: ["c"], outputs: ["r"]),
            Node(opType: "Conv", inputs: ["r", "dw"], outputs: ["d"],
                 attributes: [Attribute(name: "pads", value: .ints([1, 1, 1, 1])), Attribute(name: "group", value: .int(8))]),
            Node(opType: "Clip", inputs: ["d", "lo", "hi"], outputs: ["y"]),
        ]
        let model = Self.model(nodes, inputs: [Self.input("x", .float, [1, 4, 40, 40])], outputs: ["y"],
                               initializers: [Tensor(name: "w", dims: [8, 4, 3, 3], floats: w),
                                              Tensor(name: "dw", dims: [8, 1, 3, 3], floats: dw),
                                              Tensor(name: "lo", dims: [], floats: [-1]), Tensor(name: "hi", dims: [], floats: [2])])
        let interpreter = try Interpreter(model: model)
        #expect(interpreter.plan.fusedSteps.map(\.opType) == ["Conv+Relu", "Conv+Clip"])
        let x: [Float] = (0..<6400).map { (i: Int) -> Float in Float((i * 31) % 23) / 7 - 1.5 }
        let feeds: [String: RuntimeValue] = ["x": .tensor(TensorValue(shape: [1, 4, 40, 40], values: x))]
        let fused = try interpreter.run(feeds), separate = try interpreter.run(feeds, fuseActivations: false)
        #expect(Self.bits(fused) == Self.bits(separate))
        let y = fused.outputs[0].value.tensor?.values(Float.self) ?? []
        #expect(y.contains(-1) && y.contains(2) && y.allSatisfy { $0 >= -1 && $0 <= 2 })
    }

    @Test func capturedRunsKeepTheProducersOutput() throws {
        let interpreter = try Interpreter(model: Self.convModel)
        let captured = try interpreter.run(Self.feeds(), captureIntermediates: true)
        #expect(captured.intermediates["c1"] != nil && captured.intermediates["s"] != nil)
        #expect(Self.bits(captured) == Self.bits(try interpreter.run(Self.feeds())))
    }

    @Test func sharedOrObservedValuesAreNotFused() throws {
        // "s" feeds Relu and is a graph output; "t" feeds Relu and Neg.
        let nodes: [Node] = [Node(opType: "Add", inputs: ["a", "b"], outputs: ["s"]),
                     Node(opType: "Relu", inputs: ["s"], outputs: ["y"]),
                     Node(opType: "Mul", inputs: ["a", "b"], outputs: ["t"]),
                     Node(opType: "Relu", inputs: ["t"], outputs: ["u"]),
                     Node(opType: "Neg", inputs: ["t"], outputs: ["v"])]
        let model = Self.model(nodes, inputs: [Self.input("a", .float, [2]), Self.input("b", .float, [2])],
                               outputs: ["s", "y", "u", "v"], initializers: [])
        let interpreter = try Interpreter(model: model)
        #expect(interpreter.plan.fusedSteps.map(\.opType) == interpreter.plan.steps.map(\.opType))
    }

    @Test func clipWithBoundsComputedAtRunTimeIsNotFused() throws {
        let nodes: [Node] = [Node(opType: "Add", inputs: ["a", "a"], outputs: ["s"]),
                     Node(opType: "Clip", inputs: ["s", "lo"], outputs: ["y"])]
        let model = Self.model(nodes, inputs: [Self.input("a", .float, [3]), Self.input("lo", .float, [])],
                               outputs: ["y"], initializers: [])
        let interpreter = try Interpreter(model: model)
        #expect(interpreter.plan.fusedSteps.count == 2)
        let out = try interpreter.run(["a": .tensor(TensorValue(shape: [3], values: [Float(-1), 0.5, 2])),
                                       "lo": .tensor(.scalar(Float(0.25)))])
        #expect(out.outputs[0].value.tensor?.values(Float.self) == [0.25, 1, 4])
    }

    @Test func otherElementTypesRunTheActivationsOwnKernel() throws {
        // float16 and int32 Adds followed by Relu: fused steps, computed by the Relu kernel after the Add.
        let nodes: [Node] = [Node(opType: "Add", inputs: ["h", "h"], outputs: ["hs"]),
                     Node(opType: "Relu", inputs: ["hs"], outputs: ["hy"]),
                     Node(opType: "Add", inputs: ["i", "i"], outputs: ["is"]),
                     Node(opType: "Relu", inputs: ["is"], outputs: ["iy"])]
        let model = Self.model(nodes, inputs: [Self.input("h", .float16, [3]), Self.input("i", .int32, [3])],
                               outputs: ["hy", "iy"], initializers: [])
        let interpreter = try Interpreter(model: model)
        #expect(interpreter.plan.fusedSteps.map(\.opType) == ["Add+Relu", "Add+Relu"])
        // float16 bit patterns of −1.5, 0.5, 2.
        let half = TensorValue(dataType: .float16, shape: [3], storage: .half([0xBE00, 0x3800, 0x4000]))
        let feeds: [String: RuntimeValue] = ["h": .tensor(half), "i": .tensor(TensorValue(shape: [3], values: [Int32(-4), 0, 9]))]
        let fused = try interpreter.run(feeds), separate = try interpreter.run(feeds, fuseActivations: false)
        #expect(fused.outputs.map(\.value) == separate.outputs.map(\.value))
        #expect(fused.outputs[0].value.tensor?.storage == .half([0, 0x3C00, 0x4400]))
        #expect(fused.outputs[1].value.tensor?.values(Int32.self) == [0, 0, 18])
    }
}
