import Testing
import ONNX
@testable import Interpreter

private typealias S = ShapeTestSupport

@Suite struct ShapeViewTests {
    @Test func reshapeInfersMinusOneAndCopiesZero() throws {
        let x = S.floats([2, 3, 4], (0..<24).map { Float($0) })
        // [0, -1]: keep dim 0 (2), infer 24 / 2 = 12.
        let y = try S.one("Reshape", opset: 14, [x, S.ints([0, -1])])
        #expect(y.shape == [2, 12])
        #expect(y.values(Float.self) == (0..<24).map { Float($0) })
        // allowzero=1 with a real zero dimension on an empty tensor.
        let empty = S.floats([0, 3], [])
        let z = try S.one("Reshape", opset: 14, [empty, S.ints([3, 0])], [S.int("allowzero", 1)])
        #expect(z.shape == [3, 0])
        #expect(throws: KernelError.self) { try S.one("Reshape", opset: 14, [x, S.ints([5, -1])]) }
    }

    @Test func reshapeOpset1ReadsShapeAttribute() throws {
        let x = S.floats([2, 2], [1, 2, 3, 4])
        let y = try S.one("Reshape", opset: 1, [x], [S.ints("shape", [4])])
        #expect(y.shape == [4])
    }

    @Test func flattenSplitsAtAxis() throws {
        let x = S.floats([2, 3, 4, 5], Array(repeating: 0, count: 120))
        #expect(try S.one("Flatten", opset: 13, [x], [S.int("axis", 0)]).shape == [1, 120])
        #expect(try S.one("Flatten", opset: 13, [x], [S.int("axis", -1)]).shape == [24, 5])
        #expect(try S.one("Flatten", opset: 13, [x]).shape == [2, 60])
    }

    @Test func squeezeAndUnsqueezeAcrossOpsets() throws {
        let x = S.floats([1, 3, 1, 2], [1, 2, 3, 4, 5, 6])
        #expect(try S.one("Squeeze", opset: 13, [x, S.ints([-2])]).shape == [1, 3, 2])
        #expect(try S.one("Squeeze", opset: 13, [x, nil]).shape == [3, 2])
        #expect(try S.one("Squeeze", opset: 11, [x], [S.ints("axes", [0])]).shape == [3, 1, 2])
        #expect(throws: KernelError.self) { try S.one("Squeeze", opset: 13, [x, S.ints([1])]) }
        let v = S.floats([3, 2], [1, 2, 3, 4, 5, 6])
        // Axes refer to the output: [3,2] with axes [0, 3] → [1, 3, 2, 1]; unsorted and negative too.
        #expect(try S.one("Unsqueeze", opset: 13, [v, S.ints([3, 0])]).shape == [1, 3, 2, 1])
        #expect(try S.one("Unsqueeze", opset: 11, [v], [S.ints("axes", [-1])]).shape == [3, 2, 1])
    }

    @Test func shapeWithStartEndAndSize() throws {
        let x = S.floats([2, 3, 4], Array(repeating: 0, count: 24))
        #expect(try S.one("Shape", opset: 15, [x]).values(Int64.self) == [2, 3, 4])
        #expect(try S.one("Shape", opset: 15, [x], [S.int("start", -1)]).values(Int64.self) == [4])
        #expect(try S.one("Shape", opset: 15, [x], [S.int("start", 1), S.int("end", 10)]).values(Int64.self) == [3, 4])
        #expect(try S.one("Shape", opset: 15, [x], [S.int("start", 2), S.int("end", 1)]).values(Int64.self) == [])
        let size = try S.one("Size", opset: 13, [x])
        #expect(size.shape == [] && size.values(Int64.self) == [24])
    }

    @Test func constantReadsEveryValueAttribute() throws {
        #expect(try S.one("Constant", opset: 13, [], [S.ints("value_ints", [1, 2])]).values(Int64.self) == [1, 2])
        #expect(try S.one("Constant", opset: 13, [], [Attribute(name: "value_float", value: .float(2.5))]).values(Float.self) == [2.5])
        let t = TensorValue(shape: [2], values: [Int32(7), 8]).onnxTensor(name: "v")
        #expect(try S.one("Constant", opset: 13, [], [Attribute(name: "value", value: .tensor(t))]).values(Int32.self) == [7, 8])
        // sparse: values [5, 6] at linear indices [1, 3] of a [2, 2] tensor → [[0, 5], [0, 6]].
        let sparse = SparseTensor(values: TensorValue(shape: [2], values: [Float(5), 6]).onnxTensor(name: "v"),
                                  indices: TensorValue(shape: [2], values: [Int64(1), 3]).onnxTensor(name: "i"), dims: [2, 2])
        let dense = try S.one("Constant", opset: 13, [], [Attribute(name: "sparse_value", value: .sparseTensor(sparse))])
        #expect(dense.shape == [2, 2] && dense.values(Float.self) == [0, 5, 0, 6])
    }

    @Test func constantOfShapeRepeatsValue() throws {
        let value = TensorValue(shape: [1], values: [Int32(7)]).onnxTensor(name: "v")
        let y = try S.one("ConstantOfShape", opset: 20, [S.ints([2, 2])], [Attribute(name: "value", value: .tensor(value))])
        #expect(y.dataType == .int32 && y.values(Int32.self) == [7, 7, 7, 7])
        let zeros = try S.one("ConstantOfShape", opset: 20, [S.ints([0])])
        #expect(zeros.dataType == .float && zeros.shape == [0])
    }
}
