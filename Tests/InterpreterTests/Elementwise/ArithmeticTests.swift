import Foundation
import Testing
import ONNX
@testable import Interpreter

@Suite("Elementwise arithmetic")
struct ElementwiseArithmeticTests {
    typealias S = ElementwiseTestSupport

    @Test("Add broadcasts a row over a matrix")
    func addBroadcast() throws {
        // [[1,2,3],[4,5,6]] + [10,20,30] = [[11,22,33],[14,25,36]]
        let out = try S.run("Add", opset: 14, [S.f([2, 3], [1, 2, 3, 4, 5, 6]), S.f([3], [10, 20, 30])])
        #expect(out.shape == [2, 3])
        #expect(out.values(Float.self) == [11, 22, 33, 14, 25, 36])
    }

    @Test("Sub broadcasts a column against a row")
    func subOuter() throws {
        // [[1],[2]] - [10,20,30] = [[-9,-19,-29],[-8,-18,-28]]
        let out = try S.run("Sub", opset: 14, [S.f([2, 1], [1, 2]), S.f([3], [10, 20, 30])])
        #expect(out.shape == [2, 3])
        #expect(out.values(Float.self) == [-9, -19, -29, -8, -18, -28])
    }

    @Test("Add broadcasts both inputs across different dimensions")
    func addTwoWay() throws {
        // a [2,1,3] = [[[1,2,3]],[[4,5,6]]], b [1,2,1] = [[[10],[20]]]: out[i][j][k] = a[i][0][k] + b[0][j][0]
        let out = try S.run("Add", opset: 14, [S.f([2, 1, 3], [1, 2, 3, 4, 5, 6]), S.f([1, 2, 1], [10, 20])])
        #expect(out.shape == [2, 2, 3])
        #expect(out.values(Float.self) == [11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26])
    }

    @Test("Legacy Add (opset 6) aligns B at axis")
    func legacyAxis() throws {
        // A [2,3,2] of zeros, B [3] = [1,2,3] at axis 1: every A[i,j,k] gets B[j].
        let a = S.f([2, 3, 2], [Float](repeating: 0, count: 12))
        let out = try S.run("Add", opset: 6, [a, S.f([3], [1, 2, 3])], [S.int("broadcast", 1), S.int("axis", 1)])
        #expect(out.values(Float.self) == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])
    }

    @Test("Integer Mul wraps, Div truncates toward zero, division by zero gives 0")
    func integers() throws {
        let mul = try S.run("Mul", opset: 14, [TensorValue(shape: [2], values: [Int8(100), -3]), TensorValue(shape: [2], values: [Int8(2), 5])])
        #expect(mul.values(Int8.self) == [-56, -15])  // 200 wraps to 200 - 256 = -56
        let div = try S.run("Div", opset: 14, [TensorValue(shape: [3], values: [Int32(-7), 7, 5]), TensorValue(shape: [3], values: [Int32(2), 2, 0])])
        #expect(div.values(Int32.self) == [-3, 3, 0])
    }

    @Test("float16 Add rounds back to half")
    func halfAdd() throws {
        // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties to even gives 1.
        let one = HalfPrecision.floatToFloat16(1), tiny = HalfPrecision.floatToFloat16(0.00048828125)
        let a = TensorValue(dataType: .float16, shape: [1], storage: .half([one]))
        let b = TensorValue(dataType: .float16, shape: [1], storage: .half([tiny]))
        let out = try S.run("Add", opset: 14, [a, b])
        #expect(out.dataType == .float16)
        #expect(out.storage == .half([one]))
    }

    @Test("Mod: fmod=0 takes the divisor's sign, fmod=1 the dividend's")
    func mod() throws {
        let x = TensorValue(shape: [4], values: [Int32(-4), 7, 5, -7]), y = TensorValue(shape: [4], values: [Int32(3), -3, 0, -3])
        // numpy: -4 % 3 = 2, 7 % -3 = -2, 5 % 0 -> 0, -7 % -3 = -1
        #expect(try S.run("Mod", opset: 13, [x, y]).values(Int32.self) == [2, -2, 0, -1])
        // C: fmod(-4,3) = -1, fmod(7,-3) = 1, -7 fmod -3 = -1
        #expect(try S.run("Mod", opset: 13, [x, y], [S.int("fmod", 1)]).values(Int32.self) == [-1, 1, 0, -1])
        let fx = S.f([2], [-4.5, 0]), fy = S.f([2], [2, -2])
        // numpy.mod(-4.5, 2) = 1.5; mod(0, -2) = -0.0
        let r = try S.run("Mod", opset: 28, [fx, fy]).values(Float.self) ?? []
        #expect(r == [1.5, 0])
        #expect(r.last?.sign == .minus)
    }

    @Test("Pow keeps the base type; integer powers are exact")
    func pow() throws {
        let f = try S.run("Pow", opset: 15, [S.f([3], [2, 4, 9]), S.f([1], [0.5])])
        #expect(S.close(f.values(Float.self), [1.4142135, 2, 3]))
        let i = try S.run("Pow", opset: 15, [TensorValue(shape: [2], values: [Int64(3), -2]), TensorValue(shape: [2], values: [Int64(4), 3])])
        #expect(i.values(Int64.self) == [81, -8])
        // int32 base, float exponent: 2^2.5 = 5.65 truncated to 5.
        let m = try S.run("Pow", opset: 15, [TensorValue(shape: [1], values: [Int32(2)]), S.f([1], [2.5])])
        #expect(m.values(Int32.self) == [5])
    }

    @Test("BitShift: shifts of the bit width or more, or negative, shift everything out")
    func bitShift() throws {
        let x = TensorValue(shape: [3], values: [Int8(-8), 4, -1]), s = TensorValue(shape: [3], values: [Int8(1), 8, -1])
        #expect(try S.run("BitShift", opset: 28, [x, s], [S.string("direction", "RIGHT")]).values(Int8.self) == [-4, 0, -1])
        #expect(try S.run("BitShift", opset: 28, [x, s], [S.string("direction", "LEFT")]).values(Int8.self) == [-16, 0, 0])
        let a = TensorValue(shape: [2], values: [UInt8(0b1100), 0b1010]), b = TensorValue(shape: [1], values: [UInt8(0b0110)])
        #expect(try S.run("BitwiseAnd", opset: 18, [a, b]).values(UInt8.self) == [0b0100, 0b0010])
        #expect(try S.run("BitwiseXor", opset: 18, [a, b]).values(UInt8.self) == [0b1010, 0b1100])
        #expect(try S.run("BitwiseNot", opset: 18, [a]).values(UInt8.self) == [0b1111_0011, 0b1111_0101])
    }

    @Test("Mismatched input types are an error")
    func typeMismatch() {
        #expect(throws: KernelError.self) {
            try S.run("Add", opset: 14, [S.f([1], [1]), TensorValue(shape: [1], values: [Int64(1)])])
        }
    }
}
