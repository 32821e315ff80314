import Testing
import ONNX
@testable import Interpreter

private typealias S = ShapeTestSupport

@Suite struct ShapeSelectTests {
    @Test func gatherFamily() throws {
        let x = S.floats([3, 2], [1, 2, 3, 4, 5, 6])
        let g = try S.one("Gather", opset: 13, [x, TensorValue(shape: [2, 1], values: [Int64(-1), 0])])
        #expect(g.shape == [2, 1, 2] && g.values(Float.self) == [5, 6, 1, 2])
        let cols = try S.one("Gather", opset: 13, [x, S.ints([1])], [S.int("axis", 1)])
        #expect(cols.values(Float.self) == [2, 4, 6])
        // GatherElements axis 1: out[i][j] = x[i][idx[i][j]].
        let idx = TensorValue(shape: [3, 1], values: [Int64(1), 0, -1])
        #expect(try S.one("GatherElements", opset: 13, [x, idx], [S.int("axis", 1)]).values(Float.self) == [2, 3, 6])
        // GatherND with batch_dims 1: data [2,2,2], indices [[1],[0]] → [data[0][1], data[1][0]].
        let d = TensorValue(shape: [2, 2, 2], values: (0..<8).map { Int32($0) })
        let nd = try S.one("GatherND", opset: 13, [d, TensorValue(shape: [2, 1], values: [Int64(1), 0])], [S.int("batch_dims", 1)])
        #expect(nd.shape == [2, 2] && nd.values(Int32.self) == [2, 3, 4, 5])
    }

    @Test func scatterFamily() throws {
        let data = S.floats([4], [1, 2, 3, 4])
        let idx = TensorValue(shape: [2, 1], values: [Int64(1), 1])
        let upd = S.floats([2], [10, 20])
        #expect(try S.one("ScatterND", opset: 18, [data, idx, upd], [S.string("reduction", "add")]).values(Float.self) == [1, 32, 3, 4])
        #expect(try S.one("ScatterND", opset: 18, [data, idx, upd], [S.string("reduction", "min")]).values(Float.self) == [1, 2, 3, 4])
        #expect(try S.one("ScatterND", opset: 11, [data, idx, upd]).values(Float.self) == [1, 20, 3, 4])
        let m = S.floats([2, 2], [1, 2, 3, 4])
        let e = try S.one("ScatterElements", opset: 18, [m, TensorValue(shape: [1, 2], values: [Int64(1), 0]), S.floats([1, 2], [7, 8])],
                          [S.string("reduction", "mul")])
        // axis 0: x[1][0] *= 7, x[0][1] *= 8.
        #expect(e.values(Float.self) == [1, 16, 21, 4])
        let old = try S.one("Scatter", opset: 10, [m, TensorValue(shape: [1, 1], values: [Int64(1)]), S.floats([1, 1], [9])],
                            [S.int("axis", 1)])
        #expect(old.values(Float.self) == [1, 9, 3, 4])
    }

    @Test func topKArgMaxAndUnique() throws {
        let x = S.floats([2, 3], [1, 3, 3, 5, 4, 5])
        let top = try S.run("TopK", opset: 11, inputs: [x, S.ints([2])], outputs: 2)
        // Ties keep the lower index first.
        #expect(top[0]?.values(Float.self) == [3, 3, 5, 5] && top[1]?.values(Int64.self) == [1, 2, 0, 2])
        let low = try S.run("TopK", opset: 11, inputs: [x, S.ints([1])], outputs: 2, attributes: [S.int("largest", 0)])
        #expect(low[0]?.values(Float.self) == [1, 4] && low[1]?.values(Int64.self) == [0, 1])
        #expect(try S.one("ArgMax", opset: 13, [x], [S.int("axis", 1)]).values(Int64.self) == [1, 0])
        #expect(try S.one("ArgMax", opset: 13, [x], [S.int("axis", 1), S.int("select_last_index", 1), S.int("keepdims", 0)]).values(Int64.self) == [2, 2])
        #expect(try S.one("ArgMin", opset: 13, [x], [S.int("axis", 0)]).values(Int64.self) == [0, 0, 0])
        // numpy.unique([2, 1, 1, 3, 4, 3], return_index, return_inverse, return_counts).
        let u = try S.run("Unique", opset: 11, inputs: [S.floats([6], [2, 1, 1, 3, 4, 3])], outputs: 4)
        #expect(u[0]?.values(Float.self) == [1, 2, 3, 4])
        #expect(u[1]?.values(Int64.self) == [1, 0, 3, 4])
        #expect(u[2]?.values(Int64.self) == [1, 0, 0, 2, 3, 2])
        #expect(u[3]?.values(Int64.self) == [2, 1, 2, 1])
        let unsorted = try S.run("Unique", opset: 11, inputs: [S.floats([6], [2, 1, 1, 3, 4, 3])], outputs: 1,
                                 attributes: [S.int("sorted", 0)])
        #expect(unsorted[0]?.values(Float.self) == [2, 1, 3, 4])
    }

    @Test func cumSumRangeNonZeroOneHot() throws {
        let x = TensorValue(shape: [4], values: [Int32(1), 2, 3, 4])
        #expect(try S.one("CumSum", opset: 14, [x, S.ints([0])]).values(Int32.self) == [1, 3, 6, 10])
        #expect(try S.one("CumSum", opset: 14, [x, S.ints([0])], [S.int("exclusive", 1), S.int("reverse", 1)]).values(Int32.self) == [9, 7, 4, 0])
        let r = try S.one("Range", opset: 11, [TensorValue.scalar(Int32(10)), .scalar(Int32(4)), .scalar(Int32(-3))])
        #expect(r.values(Int32.self) == [10, 7])
        let f = try S.one("Range", opset: 11, [TensorValue.scalar(Float(1)), .scalar(Float(2)), .scalar(Float(0.25))])
        #expect(f.values(Float.self) == [1, 1.25, 1.5, 1.75])
        let nz = try S.one("NonZero", opset: 13, [S.floats([2, 2], [1, 0, 0, 3])])
        #expect(nz.shape == [2, 2] && nz.values(Int64.self) == [0, 1, 0, 1])
        // indices [0, -1, 5] with depth 3, values [off=0, on=1], axis -1.
        let oh = try S.one("OneHot", opset: 11, [S.ints([0, -1, 5]), TensorValue.scalar(Int64(3)), S.floats([2], [0, 1])])
        #expect(oh.shape == [3, 3] && oh.values(Float.self) == [1, 0, 0, 0, 0, 1, 0, 0, 0])
    }

    @Test func triluEyeLikeDet() throws {
        let x = S.floats([3, 3], (1...9).map { Float($0) })
        #expect(try S.one("Trilu", opset: 14, [x]).values(Float.self) == [1, 2, 3, 0, 5, 6, 0, 0, 9])
        #expect(try S.one("Trilu", opset: 14, [x, TensorValue.scalar(Int64(-1))], [S.int("upper", 0)]).values(Float.self) == [0, 0, 0, 4, 0, 0, 7, 8, 0])
        let eye = try S.one("EyeLike", opset: 9, [S.floats([2, 3], Array(repeating: 0, count: 6))], [S.int("k", 1), S.int("dtype", 7)])
        #expect(eye.values(Int64.self) == [0, 1, 0, 0, 0, 1])
        // det [[1,2],[3,4]] = -2; det of [[2,0,0],[0,3,0],[0,0,4]] = 24.
        let d = try S.one("Det", opset: 11, [S.floats([2, 2, 2], [1, 2, 3, 4, 0, 1, 1, 0])])
        #expect(d.values(Float.self) == [-2, -1])
    }

    @Test func dropoutInferenceAndNumpyStream() throws {
        let x = S.floats([3], [1, 2, 3])
        let out = try S.run("Dropout", opset: 13, inputs: [x], outputs: 2)
        #expect(out[0] == x && out[1]?.values(Bool.self) == [true, true, true])
        // numpy: np.random.seed(0); np.random.random_sample(2) → [0.5488135039273248, 0.7151893663724195].
        var mt = MT19937(seed: 0)
        #expect(mt.nextDouble() == 0.5488135039273248)
        #expect(mt.nextDouble() == 0.7151893663724195)
    }
}
