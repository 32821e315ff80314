import Foundation
import Testing
import ONNX
@testable import Interpreter

@Suite("Elementwise clip, variadic, comparison, logic, Where, Cast")
struct ElementwiseSelectionCastTests {
    typealias S = ElementwiseTestSupport

    @Test("Clip reads bounds from attributes before opset 11, from inputs after")
    func clip() throws {
        let x = S.f([4], [-2, 0, 2, 9])
        let old = try S.run("Clip", opset: 6, [x], [S.float("min", -1), S.float("max", 1)])
        #expect(old.values(Float.self) == [-1, 0, 1, 1])
        let new = try S.run("Clip", opset: 13, [x, S.f([], [0]), nil])
        #expect(new.values(Float.self) == [0, 0, 2, 9])
        // min > max: everything becomes max (numpy clip).
        let inverted = try S.run("Clip", opset: 13, [x, S.f([], [5]), S.f([], [1])])
        #expect(inverted.values(Float.self) == [1, 1, 1, 1])
        let ints = try S.run("Clip", opset: 13, [TensorValue(shape: [3], values: [Int8(-100), 5, 100]), nil, TensorValue.scalar(Int8(10))])
        #expect(ints.values(Int8.self) == [-100, 5, 10])
    }

    @Test("Variadic Max, Min, Sum, Mean broadcast their inputs")
    func variadic() throws {
        let a = S.f([3], [1, 5, 3]), b = S.f([1], [2]), c = S.f([2, 1], [0, 10])
        #expect(try S.run("Max", opset: 13, [a, b]).values(Float.self) == [2, 5, 3])
        #expect(try S.run("Min", opset: 13, [a, b]).values(Float.self) == [1, 2, 2])
        // Sum of [1,5,3], 2 and [[0],[10]] = [[3,7,5],[13,17,15]]
        let sum = try S.run("Sum", opset: 13, [a, b, c])
        #expect(sum.shape == [2, 3])
        #expect(sum.values(Float.self) == [3, 7, 5, 13, 17, 15])
        #expect(try S.run("Mean", opset: 13, [a, S.f([3], [3, 3, 3])]).values(Float.self) == [2, 4, 3])
        #expect(try S.run("Max", opset: 13, [a]).values(Float.self) == [1, 5, 3])
        let nan = try S.run("Max", opset: 13, [S.f([1], [.nan]), S.f([1], [1])])
        #expect(nan.values(Float.self)?.first?.isNaN == true)
    }

    @Test("Comparisons give bool, strings included")
    func comparisons() throws {
        let a = S.f([3], [1, 2, 3]), b = S.f([1], [2])
        #expect(try S.run("Less", opset: 13, [a, b]).values(Bool.self) == [true, false, false])
        #expect(try S.run("GreaterOrEqual", opset: 16, [a, b]).values(Bool.self) == [false, true, true])
        #expect(try S.run("Equal", opset: 19, [TensorValue(shape: [2], values: ["a", "b"]), TensorValue(shape: [1], values: ["b"])])
            .values(Bool.self) == [false, true])
        #expect(try S.run("Equal", opset: 13, [S.f([1], [.nan]), S.f([1], [.nan])]).values(Bool.self) == [false])
    }

    @Test("Logic ops and Where")
    func logic() throws {
        let p = TensorValue(shape: [4], values: [true, true, false, false]), q = TensorValue(shape: [4], values: [true, false, true, false])
        #expect(try S.run("And", opset: 7, [p, q]).values(Bool.self) == [true, false, false, false])
        #expect(try S.run("Or", opset: 7, [p, q]).values(Bool.self) == [true, true, true, false])
        #expect(try S.run("Xor", opset: 7, [p, q]).values(Bool.self) == [false, true, true, false])
        #expect(try S.run("Not", opset: 1, [p]).values(Bool.self) == [false, false, true, true])
        // Where([[T],[F]], [1,2], 9) = [[1,2],[9,9]]
        let w = try S.run("Where", opset: 16, [TensorValue(shape: [2, 1], values: [true, false]), TensorValue(shape: [2], values: [Int64(1), 2]),
                                               TensorValue.scalar(Int64(9))])
        #expect(w.shape == [2, 2])
        #expect(w.values(Int64.self) == [1, 2, 9, 9])
    }

    @Test("IsNaN and IsInf with detect flags")
    func classes() throws {
        let x = S.f([4], [.nan, .infinity, -.infinity, 1])
        #expect(try S.run("IsNaN", opset: 20, [x]).values(Bool.self) == [true, false, false, false])
        #expect(try S.run("IsInf", opset: 20, [x]).values(Bool.self) == [false, true, true, false])
        #expect(try S.run("IsInf", opset: 20, [x], [S.int("detect_positive", 0)]).values(Bool.self) == [false, false, true, false])
    }

    @Test("Cast between numbers, bool and strings")
    func castBasics() throws {
        let x = S.f([4], [-1.7, 0, 2.9, 300])
        #expect(try S.run("Cast", opset: 21, [x], [S.int("to", Int64(DataType.int32.rawValue))]).values(Int32.self) == [-1, 0, 2, 300])
        // numpy wraps after truncation: 300 -> 44 as uint8, -1 -> 255
        #expect(try S.run("Cast", opset: 21, [x], [S.int("to", Int64(DataType.uint8.rawValue))]).values(UInt8.self) == [255, 0, 2, 44])
        #expect(try S.run("Cast", opset: 21, [x], [S.int("to", Int64(DataType.bool.rawValue))]).values(Bool.self) == [true, false, true, true])
        let s = try S.run("Cast", opset: 21, [S.f([2], [1.5, -0.25])], [S.int("to", Int64(DataType.string.rawValue))])
        #expect(s.values(String.self) == ["1.5", "-0.25"])
        let back = try S.run("Cast", opset: 21, [TensorValue(shape: [3], values: ["3.25", "-INF", "NaN"])],
                             [S.int("to", Int64(DataType.float.rawValue))]).values(Float.self) ?? []
        #expect(back.count == 3 && back[0] == 3.25 && back[1] == -.infinity && back[2].isNaN)
        // Cast-1 names its type.
        #expect(try S.run("Cast", opset: 1, [x], [S.string("to", "INT64")]).values(Int64.self) == [-1, 0, 2, 300])
        // CastLike takes the type of its second input.
        let like = try S.run("CastLike", opset: 21, [x, TensorValue(shape: [1], values: [Double(0)])])
        #expect(like.dataType == .double)
    }

    @Test("Cast to float8 saturates or not, rounding to nearest even")
    func castFloat8() throws {
        let to = S.int("to", Int64(DataType.float8e4m3fn.rawValue))
        // e4m3fn: 1.0 = 0x38, 448 (max) = 0x7E, 1000 saturates to 0x7E / becomes NaN 0x7F; -1000 -> 0xFE / 0xFF.
        // 1.0625 is halfway between 1.0 (0x38) and 1.125 (0x39): ties to even gives 0x38.
        let x = S.f([5], [1, 448, 1000, -1000, 1.0625])
        #expect(try S.run("Cast", opset: 21, [x], [to]).storage == .bytes([0x38, 0x7E, 0x7E, 0xFE, 0x38]))
        #expect(try S.run("Cast", opset: 21, [x], [to, S.int("saturate", 0)]).storage == .bytes([0x38, 0x7E, 0x7F, 0xFF, 0x38]))
        // e5m2 without saturation overflows to infinity (0x7C); 2^-16 is its smallest subnormal (0x01).
        let e5 = try S.run("Cast", opset: 21, [S.f([2], [1e6, 0.0000152587890625])],
                           [S.int("to", Int64(DataType.float8e5m2.rawValue)), S.int("saturate", 0)])
        #expect(e5.storage == .bytes([0x7C, 0x01]))
        // And back: 0x7E in e4m3fn is 448.
        let back = try S.run("Cast", opset: 21, [TensorValue(dataType: .float8e4m3fn, shape: [2], storage: .bytes([0x7E, 0x38]))],
                             [S.int("to", Int64(DataType.float.rawValue))])
        #expect(back.values(Float.self) == [448, 1])
    }

    @Test("Cast to int4 wraps and packs two per byte, low nibble first")
    func castInt4() throws {
        // -9 wraps to 7, -8 stays -8 (0x8), 7 -> 0x7: bytes [0x87, 0x07]
        let out = try S.run("Cast", opset: 21, [S.f([3], [-9, -8, 7])], [S.int("to", Int64(DataType.int4.rawValue))])
        #expect(out.dataType == .int4)
        #expect(out.storage == .bytes([0x87, 0x07]))
        let back = try S.run("Cast", opset: 21, [out], [S.int("to", Int64(DataType.int8.rawValue))])
        #expect(back.values(Int8.self) == [7, -8, 7])
    }
}
