import Testing
import ONNX
@testable import Interpreter

private typealias S = ShapeTestSupport

@Suite struct ShapeMoveTests {
    @Test func transposeMovesAxes() throws {
        // [[0,1,2],[3,4,5]]ᵀ = [[0,3],[1,4],[2,5]]
        let x = S.floats([2, 3], [0, 1, 2, 3, 4, 5])
        #expect(try S.one("Transpose", opset: 13, [x]).values(Float.self) == [0, 3, 1, 4, 2, 5])
        // 3-D perm [1, 0, 2] keeps rows of 2 together: x[a][b][c] → y[b][a][c].
        let z = S.floats([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7])
        let y = try S.one("Transpose", opset: 13, [z], [S.ints("perm", [1, 0, 2])])
        #expect(y.values(Float.self) == [0, 1, 4, 5, 2, 3, 6, 7])
        // Works for strings as well.
        let s = TensorValue(shape: [2, 2], values: ["a", "b", "c", "d"])
        #expect(try S.one("Transpose", opset: 13, [s]).values(String.self) == ["a", "c", "b", "d"])
    }

    @Test func concatAndSplit() throws {
        let a = S.floats([2, 1], [1, 2]), b = S.floats([2, 2], [3, 4, 5, 6])
        let c = try S.one("Concat", opset: 13, [a, b], [S.int("axis", -1)])
        #expect(c.shape == [2, 3] && c.values(Float.self) == [1, 3, 4, 2, 5, 6])
        let x = S.floats([5], [1, 2, 3, 4, 5])
        // num_outputs 3 over 5: ceil(5/3) = 2 → [1,2], [3,4], [5].
        let parts = try S.run("Split", opset: 18, inputs: [x], outputs: 3, attributes: [S.int("num_outputs", 3)])
        #expect(parts.map { $0?.values(Float.self) ?? [] } == [[1, 2], [3, 4], [5]])
        let sized = try S.run("Split", opset: 13, inputs: [x, S.ints([1, 4])], outputs: 2)
        #expect(sized.map { $0?.values(Float.self) ?? [] } == [[1], [2, 3, 4, 5]])
        let old = try S.run("Split", opset: 11, inputs: [x], outputs: 2, attributes: [S.ints("split", [3, 2])])
        #expect(old.map { $0?.values(Float.self) ?? [] } == [[1, 2, 3], [4, 5]])
    }

    @Test func sliceClampsAndStepsBackwards() throws {
        let x = S.floats([2, 4], [0, 1, 2, 3, 4, 5, 6, 7])
        // rows 0..<2 (end clamped from 1000), columns 3 down to 1 exclusive by -1 → [[3,2],[7,6]].
        let y = try S.one("Slice", opset: 13, [x, S.ints([0, -1]), S.ints([1000, 1]), S.ints([0, 1]), S.ints([1, -1])])
        #expect(y.shape == [2, 2] && y.values(Float.self) == [3, 2, 7, 6])
        let old = try S.one("Slice", opset: 1, [x], [S.ints("starts", [1]), S.ints("ends", [3]), S.ints("axes", [1])])
        #expect(old.values(Float.self) == [1, 2, 5, 6])
        // Reverse everything with INT64_MIN as end.
        let r = try S.one("Slice", opset: 13, [S.floats([3], [1, 2, 3]), S.ints([-1]), S.ints([Int64.min]), S.ints([0]), S.ints([-1])])
        #expect(r.values(Float.self) == [3, 2, 1])
    }

    @Test func expandAndTile() throws {
        let x = S.floats([3, 1], [1, 2, 3])
        let e = try S.one("Expand", opset: 13, [x, S.ints([2, 1, 2])])
        #expect(e.shape == [2, 3, 2] && e.values(Float.self) == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])
        let t = try S.one("Tile", opset: 13, [S.floats([2], [1, 2]), S.ints([3])])
        #expect(t.values(Float.self) == [1, 2, 1, 2, 1, 2])
    }

    @Test func padModes() throws {
        let x = S.floats([3], [1, 2, 3])
        func pad(_ mode: String, _ pads: [Int64]) throws -> [Float] {
            try S.one("Pad", opset: 19, [x, S.ints(pads), S.floats([], [9])], [S.string("mode", mode)]).values(Float.self) ?? []
        }
        // numpy: pad([1,2,3], (2,2), mode) for each mode.
        #expect(try pad("constant", [2, 2]) == [9, 9, 1, 2, 3, 9, 9])
        #expect(try pad("edge", [2, 2]) == [1, 1, 1, 2, 3, 3, 3])
        #expect(try pad("reflect", [2, 2]) == [3, 2, 1, 2, 3, 2, 1])
        #expect(try pad("wrap", [2, 2]) == [2, 3, 1, 2, 3, 1, 2])
        #expect(try pad("constant", [-1, 1]) == [2, 3, 9])
        // axes input (18+): pad only the last axis of a [2, 1] tensor.
        let m = S.floats([2, 1], [1, 2])
        let y = try S.one("Pad", opset: 18, [m, S.ints([1, 0]), nil, S.ints([-1])])
        #expect(y.shape == [2, 2] && y.values(Float.self) == [0, 1, 0, 2])
        let old = try S.one("Pad", opset: 2, [x], [S.ints("pads", [1, 0]), Attribute(name: "value", value: .float(4))])
        #expect(old.values(Float.self) == [4, 1, 2, 3])
    }

    @Test func depthToSpaceAndBack() throws {
        // x[0, c, 0, 0] = c for 4 channels, block 2. DCR: out[0,0,i,j] = in[(i*2+j)] → [[0,1],[2,3]].
        let x = S.floats([1, 4, 1, 1], [0, 1, 2, 3])
        let d = try S.one("DepthToSpace", opset: 13, [x], [S.int("blocksize", 2)])
        #expect(d.shape == [1, 1, 2, 2] && d.values(Float.self) == [0, 1, 2, 3])
        let back = try S.one("SpaceToDepth", opset: 13, [d], [S.int("blocksize", 2)])
        #expect(back == x)
        // CRD with 8 channels: out[0,c,i,j] = in[c*4 + i*2 + j]; DCR: in[(i*2+j)*2 + c].
        let y = S.floats([1, 8, 1, 1], (0..<8).map { Float($0) })
        let crd = try S.one("DepthToSpace", opset: 13, [y], [S.int("blocksize", 2), S.string("mode", "CRD")])
        #expect(crd.values(Float.self) == [0, 1, 2, 3, 4, 5, 6, 7])
        let dcr = try S.one("DepthToSpace", opset: 13, [y], [S.int("blocksize", 2)])
        #expect(dcr.values(Float.self) == [0, 2, 4, 6, 1, 3, 5, 7])
        let crdBack = try S.one("SpaceToDepth", opset: 28, [crd], [S.int("blocksize", 2), S.string("mode", "CRD")])
        #expect(crdBack == y)
    }

    @Test func reverseSequenceAndCompress() throws {
        // time_axis 0, batch_axis 1: x[t][b], lens [2, 3].
        let x = S.floats([3, 2], [0, 1, 2, 3, 4, 5])
        let r = try S.one("ReverseSequence", opset: 10, [x, S.ints([2, 3])])
        // batch 0: [0,2,4] → first 2 reversed [2,0,4]; batch 1: [1,3,5] → [5,3,1].
        #expect(r.values(Float.self) == [2, 5, 0, 3, 4, 1])
        let cond = TensorValue(shape: [2], values: [false, true])
        let c = try S.one("Compress", opset: 11, [x, cond], [S.int("axis", 1)])
        #expect(c.shape == [3, 1] && c.values(Float.self) == [1, 3, 5])
        let flat = try S.one("Compress", opset: 11, [x, TensorValue(shape: [3], values: [true, false, true])])
        #expect(flat.values(Float.self) == [0, 2])
    }

    @Test func subByteElementsMove() throws {
        // int4 [1, 2, 3] packed low nibble first: bytes 0x21, 0x03; transposing a [1,3] → [3,1] keeps order.
        let x = TensorValue(dataType: .int4, shape: [1, 3], storage: .bytes([0x21, 0x03]))
        let y = try S.one("Transpose", opset: 25, [x])
        #expect(y.shape == [3, 1] && y.storage == .bytes([0x21, 0x03]))
        let s = try S.one("Slice", opset: 13, [x, S.ints([1]), S.ints([3]), S.ints([1])])
        #expect(s.storage == .bytes([0x32]))
    }

    @Test func largeTransposesTakeTheTiledPath() throws {
        // y[j][i] = x[i][j] for a 40×50 matrix holding x[i][j] = i·50 + j.
        let x = S.floats([40, 50], (0..<2000).map { Float($0) })
        let y = try S.one("Transpose", opset: 13, [x])
        let expected = (0..<2000).map { k -> Float in let (j, i) = (k / 40, k % 40); return Float(i * 50 + j) }
        #expect(y.shape == [50, 40] && y.values(Float.self) == expected)
        // NCHW → NHWC on [2, 9, 10, 11]: y[n][h][w][c] = x[n][c][h][w] = ((n·9 + c)·10 + h)·11 + w.
        let z = S.floats([2, 9, 10, 11], (0..<1980).map { Float($0) })
        let t = try S.one("Transpose", opset: 13, [z], [S.ints("perm", [0, 2, 3, 1])])
        var nhwc: [Float] = []
        for n in 0..<2 { for h in 0..<10 { for w in 0..<11 { for c in 0..<9 { nhwc.append(Float(((n * 9 + c) * 10 + h) * 11 + w)) } } } }
        #expect(t.shape == [2, 10, 11, 9] && t.values(Float.self) == nhwc)
    }

    @Test func expandRepeatsAndPadFillsWholeRows() throws {
        // [2,1] → [2,3]: each row repeats its one element.
        let e = try S.one("Expand", opset: 13, [S.floats([2, 1], [1, 2]), S.ints([2, 3])])
        #expect(e.values(Float.self) == [1, 1, 1, 2, 2, 2])
        // Pad a [1, 2] row by one row above and one column each side with 0.
        let p = try S.one("Pad", opset: 13, [S.floats([1, 2], [5, 6]), S.ints([1, 1, 0, 1])])
        #expect(p.shape == [2, 4] && p.values(Float.self) == [0, 0, 0, 0, 0, 5, 6, 0])
    }
}
