import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport

@Suite struct ComputeMatMulGemmTests {
    @Test func matMulBroadcastsBatchesAndPromotesVectors() throws {
        // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]; the second batch of A is 2·I → 2·B = [[10,12],[14,16]].
        let a = C.floats([2, 2, 2], [1, 2, 3, 4, 2, 0, 0, 2])
        let b = C.floats([2, 2], [5, 6, 7, 8])
        let y = try C.one("MatMul", opset: 13, [a, b])
        #expect(y.shape == [2, 2, 2] && y.values(Float.self) == [19, 22, 43, 50, 10, 12, 14, 16])
        // 1-D · 1-D is a scalar: 1·4 + 2·5 + 3·6 = 32.
        let v = try C.one("MatMul", opset: 13, [C.floats([3], [1, 2, 3]), C.floats([3], [4, 5, 6])])
        #expect(v.shape == [] && v.values(Float.self) == [32])
        // 2-D · 1-D drops the appended axis: [[1,2],[3,4]]·[1,1] = [3,7].
        let mv = try C.one("MatMul", opset: 13, [C.floats([2, 2], [1, 2, 3, 4]), C.floats([2], [1, 1])])
        #expect(mv.shape == [2] && mv.values(Float.self) == [3, 7])
        // Integers loop exactly.
        let i = try C.one("MatMul", opset: 13, [C.int64s([1, 2], [3, 4]), C.int64s([2, 1], [5, 6])])
        #expect(i.values(Int64.self) == [39])
        #expect(throws: KernelError.self) { try C.one("MatMul", opset: 13, [C.floats([2, 3], [1, 2, 3, 4, 5, 6]), C.floats([2, 2], [1, 2, 3, 4])]) }
    }

    @Test func matMulIntegerSubtractsZeroPoints() throws {
        // (A − 1)·(B − 2) with A = [[2,3]], B = [[3],[4]]: [1,2]·[1,2] = 5.
        let a = TensorValue(shape: [1, 2], values: [UInt8(2), 3]), b = TensorValue(shape: [2, 1], values: [UInt8(3), 4])
        let y = try C.one("MatMulInteger", opset: 10, [a, b, TensorValue.scalar(UInt8(1)), TensorValue.scalar(UInt8(2))])
        #expect(y.dataType == .int32 && y.values(Int32.self) == [5])
    }

    @Test func gemmTransposesScalesAndBroadcastsC() throws {
        // A = [[1,2],[3,4]] given transposed, B = I: op(A)·B = [[1,3],[2,4]]; alpha 2, beta 0.5, C row [2,4].
        // y = 2·[[1,3],[2,4]] + 0.5·[2,4] = [[3,8],[5,10]]
        let a = C.floats([2, 2], [1, 2, 3, 4]), b = C.floats([2, 2], [1, 0, 0, 1]), c = C.floats([2], [2, 4])
        let y = try C.one("Gemm", opset: 13, [a, b, c], [C.int("transA", 1), C.float("alpha", 2), C.float("beta", 0.5)])
        #expect(y.values(Float.self) == [3, 8, 5, 10])
        // No C (opset 11+), transB: [[1,2]]·[[3,4]]ᵀ = [[11]].
        let z = try C.one("Gemm", opset: 11, [C.floats([1, 2], [1, 2]), C.floats([1, 2], [3, 4])], [C.int("transB", 1)])
        #expect(z.shape == [1, 1] && z.values(Float.self) == [11])
        // Doubles go through dgemm.
        let d = try C.one("Gemm", opset: 13, [C.doubles([1, 1], [0.1]), C.doubles([1, 1], [0.3])])
        #expect(C.close(d.values(Double.self), [0.03]))
    }
}
