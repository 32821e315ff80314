import Foundation
import Limits
import ONNX
import Testing
@testable import Interpreter

/// Shapes computed from data or attributes that ask for absurd sizes: each must be one error line, not
/// a trap or an allocation. Every case runs under a 1 GiB budget, so an unchecked allocation would
/// fail fast here instead of filling the machine.
@Suite struct HostileShapeTests {
    static let budget = MemoryBudget(bytes: 1 << 30)
    static let huge: Int64 = 1 << 40

    /// The one-line message of the error `body` throws under the test budget (nil if it throws none).
    func failure(_ body: () throws -> Void) -> String? {
        MemoryBudget.$current.withValue(Self.budget) {
            do {
                try body()
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// Expects `body` to fail with one line containing every one of `parts`.
    func expectFailure(_ parts: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        guard let message = failure(body) else {
            Issue.record("no error", sourceLocation: sourceLocation)
            return
        }
        #expect(!message.contains("\n"), "\(message)", sourceLocation: sourceLocation)
        for part in parts {
            #expect(message.contains(part), "'\(part)' not in: \(message)", sourceLocation: sourceLocation)
        }
    }

    func run(_ op: String, opset: Int, _ inputs: [TensorValue?], _ attributes: [Attribute] = []) throws {
        _ = try NodeRunner.run(op, opset: opset, tensors: inputs, attributes: attributes)
    }

    static func ints(_ values: [Int64]) -> TensorValue { TensorValue(shape: [values.count], values: values) }
    static func floats(_ shape: [Int]) -> TensorValue {
        TensorValue(shape: shape, values: [Float](repeating: 1, count: shape.reduce(1, *)))
    }
    static func attribute(_ name: String, _ values: [Int64]) -> Attribute { Attribute(name: name, value: .ints(values)) }
    static func attribute(_ name: String, _ value: Int64) -> Attribute { Attribute(name: name, value: .int(value)) }

    // MARK: - Through a model: the executor names the node

    /// A one-node model whose shape input is an initializer.
    static func model(_ node: Node, initializers: [Tensor], inputs: [Value] = []) -> Model {
        Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 21)],
              graph: Graph(name: "hostile", nodes: [node], inputs: inputs, outputs: [Value(name: node.outputs[0])],
                           initializers: initializers))
    }

    @Test func constantOfShapeOfTwoToTheFortyNamesTheNode() {
        let node = Node(opType: "ConstantOfShape", name: "fill", inputs: ["shape"], outputs: ["y"])
        let shape = Tensor(name: "shape", dataType: .int64, dims: [1], raw: withUnsafeBytes(of: Self.huge) { Data($0) })
        expectFailure(["fill", "ConstantOfShape", "[1099511627776]", "over the memory budget of 1.0 GiB"]) {
            let interpreter = try Interpreter(model: Self.model(node, initializers: [shape]))
            _ = try interpreter.run([:])
        }
    }

    // MARK: - Shape-family kernels

    @Test func constantOfShape() {
        expectFailure(["[1099511627776]", "over the memory budget"]) {
            try run("ConstantOfShape", opset: 21, [Self.ints([Self.huge])])
        }
        expectFailure(["more elements than an Int can count"]) {
            try run("ConstantOfShape", opset: 21, [Self.ints([1 << 62, 4])])
        }
    }

    @Test func constantOfShapeOfValidSizesStillWorks() throws {
        let y = try NodeRunner.run("ConstantOfShape", opset: 21, tensors: [Self.ints([2, 3])])[0]
        #expect(y?.shape == [2, 3] && y?.values(Float.self) == [Float](repeating: 0, count: 6))
    }

    @Test func expandToTwoToTheThirtyOneSquared() {
        expectFailure(["[2147483648, 2147483648]"]) {
            try run("Expand", opset: 13, [Self.floats([1, 1]), Self.ints([1 << 31, 1 << 31])])
        }
    }

    @Test func tileWithRepeatsOfTwoToTheForty() {
        expectFailure(["over the memory budget"]) {
            try run("Tile", opset: 13, [Self.floats([2]), Self.ints([Self.huge])])
        }
        expectFailure(["does not fit in an Int"]) {
            try run("Tile", opset: 13, [Self.floats([4]), Self.ints([1 << 62])])
        }
    }

    @Test func reshapeToDimensionsWhoseProductOverflows() {
        let empty = TensorValue(shape: [0], values: [Float]())
        expectFailure(["[4611686018427387904, 4, 0]", "more elements than an Int can count"]) {
            try run("Reshape", opset: 14, [empty, Self.ints([1 << 62, 4, 0])], [Self.attribute("allowzero", 1)])
        }
        expectFailure(["more elements than an Int can count"]) {
            try run("Reshape", opset: 14, [empty, Self.ints([-1, 1 << 62, 4])])
        }
    }

    @Test func rangeWithAHugeCount() {
        expectFailure(["over the memory budget"]) {
            try run("Range", opset: 11, [.scalar(Int64(0)), .scalar(Int64(1) << 39), .scalar(Int64(1))])
        }
        expectFailure(["over the memory budget"]) {
            try run("Range", opset: 11, [.scalar(Float(0)), .scalar(Float(1e11)), .scalar(Float(1))])
        }
    }

    @Test func padByTwoToTheForty() {
        expectFailure(["over the memory budget"]) {
            try run("Pad", opset: 21, [Self.floats([1]), Self.ints([Self.huge, 0])])
        }
        expectFailure(["does not fit in an Int"]) {
            try run("Pad", opset: 21, [Self.floats([1]), Self.ints([Int64.max, 1])])
        }
    }

    @Test func centerCropPadToAHugeShape() {
        expectFailure(["over the memory budget"]) {
            try run("CenterCropPad", opset: 18, [Self.floats([2]), Self.ints([Self.huge])])
        }
    }

    @Test func oneHotOfDepthTwoToTheForty() {
        expectFailure(["over the memory budget"]) {
            try run("OneHot", opset: 11, [Self.ints([0, 1]), .scalar(Int64(Self.huge)), Self.ints([0, 1])])
        }
    }

    @Test func eyeLikeOfAnEmptyTensorWithAHugeDimensionDoesNotLoop() {
        let input = TensorValue(shape: [1 << 40, 0], values: [Float]())
        expectFailure(["is empty, but its other dimensions span"]) { try run("EyeLike", opset: 22, [input]) }
    }

    @Test(arguments: [-5, -1, 0, 1, 3, 4, 9])
    func eyeLikeDiagonalsAreUnchanged(k: Int) throws {
        let y = try NodeRunner.run("EyeLike", opset: 22, tensors: [Self.floats([3, 4])],
                                   attributes: [Self.attribute("k", Int64(k))])[0]
        let expected = (0..<12).map { i -> Float in i % 4 - i / 4 == k ? 1 : 0 }
        #expect(y?.values(Float.self) == expected)
    }

    // MARK: - Broadcasting and products of two operands

    @Test func broadcastOfAColumnAndARow() {
        let n = 1 << 20
        expectFailure(["[1048576, 1048576]", "over the memory budget"]) {
            try run("Add", opset: 14, [Self.floats([n, 1]), Self.floats([1, n])])
        }
    }

    @Test func matMulOfEmptyOperandsAsksForMTimesN() {
        let a = TensorValue(shape: [1 << 20, 0], values: [Float]()), b = TensorValue(shape: [0, 1 << 20], values: [Float]())
        expectFailure(["MatMul output", "over the memory budget"]) { try run("MatMul", opset: 13, [a, b]) }
        expectFailure(["Gemm output", "over the memory budget"]) { try run("Gemm", opset: 13, [a, b]) }
    }

    @Test func matMulOfEmptyOperandsWithinTheBudgetStillGivesZeros() throws {
        let a = TensorValue(shape: [2, 0], values: [Float]()), b = TensorValue(shape: [0, 3], values: [Float]())
        let y = try NodeRunner.run("MatMul", opset: 13, tensors: [a, b])[0]
        #expect(y?.shape == [2, 3] && y?.values(Float.self) == [Float](repeating: 0, count: 6))
    }

    // MARK: - Windows, convolutions, resizing

    @Test func convWithHugePadsOrDilations() {
        let x = Self.floats([1, 1, 1, 1]), w = Self.floats([1, 1, 1, 1]), w3 = Self.floats([1, 1, 3, 3])
        expectFailure(["over the memory budget"]) {
            try run("Conv", opset: 22, [x, w], [Self.attribute("pads", [Self.huge, 0, 0, 0])])
        }
        expectFailure(["spatial output", "more elements than an Int can count"]) {
            try run("Conv", opset: 22, [x, w], [Self.attribute("pads", [Self.huge, Self.huge, 0, 0])])
        }
        expectFailure(["pads", "does not fit in an Int"]) {
            try run("Conv", opset: 22, [x, w], [Self.attribute("pads", [Int64.max, Int64.max, 0, 0])])
        }
        expectFailure(["dilations", "does not fit in an Int"]) {
            try run("Conv", opset: 22, [x, w3], [Self.attribute("dilations", [1 << 62, 1 << 62])])
        }
    }

    @Test func poolWithAHugeKernelOrPads() {
        let x = Self.floats([1, 1, 2, 2])
        expectFailure(["kernel_shape", "more elements than an Int can count"]) {
            try run("MaxPool", opset: 12, [x], [Self.attribute("kernel_shape", [1 << 62, 1 << 62])])
        }
        expectFailure(["over the memory budget"]) {
            try run("AveragePool", opset: 19, [x], [Self.attribute("kernel_shape", [1, 1]),
                                                    Self.attribute("pads", [Self.huge, 0, 0, 0])])
        }
    }

    @Test func convTransposeWithAHugeOutputShape() {
        let x = Self.floats([1, 1, 1, 1]), w = Self.floats([1, 1, 1, 1])
        expectFailure(["over the memory budget"]) {
            try run("ConvTranspose", opset: 22, [x, w], [Self.attribute("output_shape", [Self.huge, 1])])
        }
        expectFailure(["strides", "does not fit in an Int"]) {
            try run("ConvTranspose", opset: 22, [Self.floats([1, 1, 3, 3]), w], [Self.attribute("strides", [Int64.max, 1])])
        }
    }

    @Test func resizeAndUpsampleToHugeSizes() {
        let x = Self.floats([1, 1, 1, 1])
        expectFailure(["over the memory budget"]) {
            try run("Resize", opset: 19, [x, nil, nil, Self.ints([1, 1, 1 << 20, 1 << 20])])
        }
        expectFailure(["not a usable size"]) {
            try run("Resize", opset: 19, [x, nil, TensorValue(shape: [4], values: [Float(1), 1, 1e30, 1])])
        }
        expectFailure(["not a usable size"]) {
            try run("Upsample", opset: 9, [x, TensorValue(shape: [4], values: [Float(1), 1, .infinity, 1])])
        }
    }

    @Test func maxUnpoolCol2ImAffineGridWithHugeShapes() {
        let x = Self.floats([1, 1, 1, 1]), indices = Self.ints([0]).reshaped([1, 1, 1, 1])
        expectFailure(["MaxUnpool output", "over the memory budget"]) {
            try run("MaxUnpool", opset: 11, [x, indices, Self.ints([1, 1, Self.huge, 1])],
                    [Self.attribute("kernel_shape", [1, 1])])
        }
        expectFailure(["Col2Im output", "over the memory budget"]) {
            // One block position: strides as large as the image.
            try run("Col2Im", opset: 18, [Self.floats([1, 1, 1]), Self.ints([1 << 20, 1 << 20]), Self.ints([1, 1])],
                    [Self.attribute("strides", [1 << 20, 1 << 20])])
        }
        let theta = Self.floats([1, 2, 3])
        expectFailure(["AffineGrid output", "over the memory budget"]) {
            try run("AffineGrid", opset: 20, [theta, Self.ints([1, 1, 1 << 20, 1 << 20])])
        }
    }

    @Test func signalSizesFromData() {
        expectFailure(["window size", "over the memory budget"]) {
            try run("HannWindow", opset: 17, [.scalar(Int64(Self.huge))])
        }
        expectFailure(["DFT dft_length", "over the memory budget"]) {
            try run("DFT", opset: 20, [Self.floats([1, 4, 1]), .scalar(Int64(Self.huge))])
        }
    }

    @Test func loopWithAHugeTripCountStopsAtTheBudget() {
        // body(i, cond, v) -> (cond, v, v): every iteration stacks another 4 KiB scan slice.
        let body = ControlTestSupport.identityGraph(inputs: ["i", "cin", "v"], wiring: [("cout", "cin"), ("vout", "v"), ("scan", "v")])
        let v = Self.floats([1024])
        let message = MemoryBudget.$current.withValue(MemoryBudget(bytes: 1 << 20)) { () -> String? in
            do {
                _ = try ControlTestSupport.run("Loop", opset: 13, inputs: [.tensor(.scalar(Self.huge)), nil, .tensor(v)],
                                               outputs: 2, attributes: [ControlTestSupport.graph("body", body)])
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(message == "Loop: scan outputs after 129 iterations need 1.0 MiB, over the memory budget of 1.0 MiB (--max-memory)")
    }

    // MARK: - Tensors that disagree with themselves

    @Test func constantWhoseDimsOverflowOrDisagreeWithItsData() {
        let empty = Tensor(name: "w", dataType: .float, dims: [1 << 62, 4, 0], raw: Data())
        expectFailure(["tensor 'w'", "invalid dims"]) { _ = try TensorValue(empty) }
        let wide = Tensor(name: "e", dataType: .float, dims: [1 << 40, 0], raw: Data())
        expectFailure(["tensor 'e'", "is empty, but its other dimensions span 4.0 TiB"]) { _ = try TensorValue(wide) }
        let short = Tensor(name: "v", dims: [2, 2], floats: [1, 2, 3])
        expectFailure(["tensor 'v'", "12 bytes of data for 4 elements"]) { _ = try TensorValue(short) }
    }

    @Test func inputWhoseShapeDisagreesWithItsElements() throws {
        let node = Node(opType: "Relu", name: "relu", inputs: ["x"], outputs: ["y"])
        let input = Value(name: "x", type: .tensor(.float, TensorShape([Dimension.symbolic("n")])))
        let interpreter = try Interpreter(model: Self.model(node, initializers: [], inputs: [input]))
        expectFailure(["tensor 'x'", "needs 4 elements, it holds 2"]) {
            _ = try interpreter.run(["x": .tensor(TensorValue(shape: [4], values: [Float(1), 2]))])
        }
    }
}

private extension TensorValue {
    func reshaped(_ shape: [Int]) -> TensorValue { TensorValue(dataType: dataType, shape: shape, storage: storage) }
}
