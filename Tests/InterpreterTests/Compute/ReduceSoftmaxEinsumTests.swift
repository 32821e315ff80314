import Foundation
import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport

@Suite struct ComputeReduceSoftmaxEinsumTests {
    @Test func reduceAxesAttributeVersusInput() throws {
        let x = C.floats([2, 3], [1, 2, 3, 4, 5, 6])
        // Sum over axis 1: [6, 15]; opset 11 reads the attribute, 13 the input.
        let old = try C.one("ReduceSum", opset: 11, [x], [C.ints("axes", [1]), C.int("keepdims", 0)])
        let new = try C.one("ReduceSum", opset: 13, [x, C.int64s([1], [-1])], [C.int("keepdims", 0)])
        #expect(old.shape == [2] && old.values(Float.self) == [6, 15] && new.values(Float.self) == [6, 15])
        // Mean over axis 0 keeping dims: [[2.5, 3.5, 4.5]].
        let mean = try C.one("ReduceMean", opset: 18, [x, C.int64s([1], [0])])
        #expect(mean.shape == [1, 3] && mean.values(Float.self) == [2.5, 3.5, 4.5])
        // No axes: everything; noop_with_empty_axes returns the input.
        #expect(try C.one("ReduceMax", opset: 18, [x]).values(Float.self) == [6])
        #expect(try C.one("ReduceMin", opset: 18, [x], [C.int("noop_with_empty_axes", 1)]) == x)
        // L2 of row [3,4] is 5, LogSumExp of [0,0] is log 2, Prod 1·2·3 = 6, SumSquare 1+4+9 = 14.
        let r = C.floats([1, 2], [3, 4])
        #expect(try C.one("ReduceL2", opset: 13, [r], [C.int("keepdims", 0)]).values(Float.self) == [5])
        #expect(C.close(try C.one("ReduceLogSumExp", opset: 18, [C.floats([2], [0, 0])]).values(Float.self), [Float(log(2.0))]))
        #expect(try C.one("ReduceProd", opset: 18, [C.floats([3], [1, 2, 3])]).values(Float.self) == [6])
        #expect(try C.one("ReduceSumSquare", opset: 18, [C.floats([3], [1, 2, 3])]).values(Float.self) == [14])
        // Empty reduction: sum 0, prod 1. Integers and bools too.
        let empty = C.floats([0, 2], [])
        #expect(try C.one("ReduceSum", opset: 13, [empty, C.int64s([1], [0])]).values(Float.self) == [0, 0])
        #expect(try C.one("ReduceSum", opset: 13, [C.int64s([3], [1, 2, 3])]).values(Int64.self) == [6])
        let b = TensorValue(shape: [2], values: [true, false])
        #expect(try C.one("ReduceMin", opset: 20, [b]).values(Bool.self) == [false])
    }

    @Test func softmaxFamilyVersionsDifferInAxisSemantics() throws {
        // Opset 13, axis −1: each row [0, log 3] → [0.25, 0.75].
        let l3 = Float(log(3.0))
        let x = C.floats([2, 2], [0, l3, 0, l3])
        #expect(C.close(try C.one("Softmax", opset: 13, [x]).values(Float.self), [0.25, 0.75, 0.25, 0.75]))
        // Opset 11, axis 0 coerces to one row of 4: [1,3,1,3]/8.
        let y = try C.one("Softmax", opset: 11, [x], [C.int("axis", 0)])
        #expect(C.close(y.values(Float.self), [0.125, 0.375, 0.125, 0.375]))
        // Opset 13, axis 0 runs down columns: both columns equal → 0.5 everywhere.
        #expect(C.close(try C.one("Softmax", opset: 13, [x], [C.int("axis", 0)]).values(Float.self), [0.5, 0.5, 0.5, 0.5]))
        #expect(C.close(try C.one("LogSoftmax", opset: 13, [x]).values(Float.self), [Float(log(0.25)), Float(log(0.75)), Float(log(0.25)), Float(log(0.75))]))
        // Hardmax marks the first maximum.
        #expect(try C.one("Hardmax", opset: 13, [C.floats([3], [1, 3, 3])]).values(Float.self) == [0, 1, 0])
    }

    /// Half-precision Softmax rounds each step as onnx's reference implementation does. The expected bit
    /// patterns come from `onnx.reference`'s Softmax on these inputs (numpy float16, ml_dtypes bfloat16);
    /// rounding only once, at the end, differs from them in 4 (float16) and 8 (bfloat16) of the 9 places.
    @Test(arguments: [
        (DataType.bfloat16, [0x4083, 0xC0A4, 0x3F56, 0xBF91, 0xBF68, 0xBEDD, 0xC081, 0xBEED, 0xBFDD] as [UInt16],
         [0x3F6F, 0x38BD, 0x3D15, 0x3BA5, 0x3BCE, 0x3C24, 0x3991, 0x3C20, 0x3B37] as [UInt16]),
        (DataType.float16, [0x46A5, 0x373A, 0xB9A4, 0xB880, 0xBD58, 0xC038, 0xBA41, 0x3BB6, 0xB7A2],
         [0x3BEE, 0x1828, 0x1136, 0x1205, 0x0D8E, 0x0925, 0x10D6, 0x1AEE, 0x128F]),
    ])
    func halfPrecisionSoftmaxRoundsEachStep(type: DataType, x: [UInt16], expected: [UInt16]) throws {
        let input = TensorValue(dataType: type, shape: [1, 9], storage: .half(x))
        let y = try C.one("Softmax", opset: 13, [input])
        #expect(y.dataType == type && y.storage == .half(expected))
    }

    @Test func einsumHandlesEllipsisDiagonalsAndImplicitOutput() throws {
        // Batched matmul "bij,bjk->bik" with spaces; identity times [[5,6],[7,8]].
        let a = C.floats([1, 2, 2], [1, 0, 0, 1]), b = C.floats([1, 2, 2], [5, 6, 7, 8])
        let y = try C.one("Einsum", opset: 12, [a, b], [C.string("equation", "bij, bjk -> bik")])
        #expect(y.values(Float.self) == [5, 6, 7, 8])
        // Implicit output of "ij,jk" is "ik": same product.
        #expect(try C.one("Einsum", opset: 12, [a, b], [C.string("equation", "...ij,...jk")]).values(Float.self) == [5, 6, 7, 8])
        // Diagonal "ii->i" of [[1,2],[3,4]] is [1,4]; trace "ii" is 5; transpose "ij->ji".
        let m = C.floats([2, 2], [1, 2, 3, 4])
        #expect(try C.one("Einsum", opset: 12, [m], [C.string("equation", "ii->i")]).values(Float.self) == [1, 4])
        #expect(try C.one("Einsum", opset: 12, [m], [C.string("equation", "ii")]).values(Float.self) == [5])
        #expect(try C.one("Einsum", opset: 12, [m], [C.string("equation", "ij->ji")]).values(Float.self) == [1, 3, 2, 4])
        // "ik,jk->ji": A·Bᵀ = [[1·3+2·4, 1·5+2·6]] = [[11, 17]], written transposed as a 2×1 column.
        let t = try C.one("Einsum", opset: 12, [C.floats([1, 2], [1, 2]), C.floats([2, 2], [3, 4, 5, 6])], [C.string("equation", "ik,jk->ji")])
        #expect(t.shape == [2, 1] && t.values(Float.self) == [11, 17])
        // "ij,jk->k" sums i, which only A has (the loop path): column sums of [[1,2],[3,4]]·I = [4, 6].
        let cs = try C.one("Einsum", opset: 12, [m, C.floats([2, 2], [1, 0, 0, 1])], [C.string("equation", "ij,jk->k")])
        #expect(cs.values(Float.self) == [4, 6])
        // Outer product of vectors [1,2] and [3,4].
        let o = try C.one("Einsum", opset: 12, [C.floats([2], [1, 2]), C.floats([2], [3, 4])], [C.string("equation", "i,j->ij")])
        #expect(o.values(Float.self) == [3, 4, 6, 8])
    }
}
