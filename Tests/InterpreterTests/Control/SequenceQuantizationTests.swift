import Testing
import ONNX
@testable import Interpreter

private typealias S = ControlTestSupport

@Suite struct SequenceQuantizationTests {
    @Test func sequenceInsertAtAndLength() throws {
        let a = S.floats([1], [1]), b = S.floats([1], [2]), c = S.floats([1], [3])
        let seq = try S.run("SequenceConstruct", opset: 11, inputs: [.tensor(a), .tensor(b)])[0]
        // Insert at the front (position -2 of 2 = 0): [c, a, b].
        let inserted = try S.run("SequenceInsert", opset: 11, inputs: [seq, .tensor(c), .tensor(.scalar(Int64(-2)))])[0]
        #expect(inserted == .sequence([.tensor(c), .tensor(a), .tensor(b)]))
        let at = try S.run("SequenceAt", opset: 11, inputs: [inserted, .tensor(.scalar(Int64(-1)))])[0]
        #expect(at == .tensor(b))
        let length = try S.run("SequenceLength", opset: 11, inputs: [inserted])[0]
        #expect(length == .tensor(.scalar(Int64(3))))
    }

    @Test func splitAndConcatRoundTrip() throws {
        // [[1,2],[3,4]] split along axis 1 without keepdims gives [1,3] and [2,4]; stacking them along a
        // new axis 1 restores the matrix.
        let x = S.floats([2, 2], [1, 2, 3, 4])
        let parts = try S.run("SplitToSequence", opset: 11, inputs: [.tensor(x)],
                              attributes: [S.int("axis", 1), S.int("keepdims", 0)])[0]
        #expect(parts == .sequence([.tensor(S.floats([2], [1, 3])), .tensor(S.floats([2], [2, 4]))]))
        let back = try S.run("ConcatFromSequence", opset: 11, inputs: [parts],
                             attributes: [S.int("axis", 1), S.int("new_axis", 1)])[0]
        #expect(back == .tensor(x))
    }

    @Test func optionalWrapsAndUnwraps() throws {
        let t = S.floats([1], [5])
        let wrapped = try S.run("Optional", opset: 15, inputs: [.tensor(t)])[0]
        #expect(try S.run("OptionalHasElement", opset: 18, inputs: [wrapped])[0] == .tensor(.scalar(true)))
        #expect(try S.run("OptionalHasElement", opset: 18, inputs: [nil])[0] == .tensor(.scalar(false)))
        #expect(try S.run("OptionalGetElement", opset: 18, inputs: [wrapped])[0] == .tensor(t))
    }

    @Test func quantizeRoundsHalfToEvenAndSaturates() throws {
        // x / 2 = [0.5, 1.5, 2.5, -3, 300] → rint = [0, 2, 2, -3, 300] → + 1 → clamp to uint8 [1, 3, 3, 0, 255].
        let x = S.floats([5], [1, 3, 5, -6, 600])
        let out = try S.tensors("QuantizeLinear", opset: 13, [x, S.floats([], [2]), TensorValue.scalar(UInt8(1))])
        #expect(out[0].values(UInt8.self) == [1, 3, 3, 0, 255])
    }

    @Test func dequantizePerAxis() throws {
        // Row scales [1, 10], zero point 1: ([[1,2],[3,4]] − 1) · scale = [[0,1],[20,30]].
        let x = TensorValue(shape: [2, 2], values: [Int8(1), 2, 3, 4])
        let out = try S.tensors("DequantizeLinear", opset: 13,
                                [x, S.floats([2], [1, 10]), TensorValue(shape: [2], values: [Int8(1), 1])],
                                [S.int("axis", 0)])
        #expect(out[0].floats() == [0, 1, 20, 30])
    }

    @Test func float8RoundTrip() throws {
        // e4m3fn represents 1.0 (0x38) and 448 (max, 0x7E); 500 saturates to 448.
        #expect(QuantizedCodec.encodeSmallFloat(1, .float8e4m3fn, saturate: true) == 0x38)
        #expect(QuantizedCodec.encodeSmallFloat(500, .float8e4m3fn, saturate: true) == 0x7E)
        #expect(QuantizedCodec.decodeSmallFloat(0x7E, .float8e4m3fn) == 448)
        #expect(QuantizedCodec.decodeSmallFloat(0xB8, .float8e4m3fn) == -1)
    }
}

@Suite struct Float8FNUZTests {
    @Test func fnuzHasNoNegativeZeroAndSaturatesAt240() throws {
        // e4m3fnuz: bias 8, so 1.0 = 0b0_1000_000 = 0x40; max 0x7F = 1.875·2⁷ = 240; −0 encodes as 0;
        // 0x80 is NaN.
        #expect(QuantizedCodec.encodeSmallFloat(1, .float8e4m3fnuz, saturate: true) == 0x40)
        #expect(QuantizedCodec.encodeSmallFloat(1000, .float8e4m3fnuz, saturate: true) == 0x7F)
        #expect(QuantizedCodec.encodeSmallFloat(-0.0, .float8e4m3fnuz, saturate: true) == 0)
        #expect(QuantizedCodec.encodeSmallFloat(1000, .float8e4m3fnuz, saturate: false) == 0x80)
        #expect(QuantizedCodec.decodeSmallFloat(0x7F, .float8e4m3fnuz) == 240)
        #expect(QuantizedCodec.decodeSmallFloat(0x80, .float8e4m3fnuz).isNaN)
    }

    @Test func qlinearMatMulRequantizes() throws {
        // a = [[2, 4]] (zp 0, scale 0.5) · b = [[1], [3]] (zp 1, scale 1) = 0.5·(2·0 + 4·2) = 4;
        // y_scale 2, zp 10 → rint(4 / 2) + 10 = 12.
        let a = TensorValue(shape: [1, 2], values: [UInt8(2), 4])
        let b = TensorValue(shape: [2, 1], values: [UInt8(1), 3])
        let out = try ControlTestSupport.tensors("QLinearMatMul", opset: 10, [
            a, .scalar(Float(0.5)), .scalar(UInt8(0)), b, .scalar(Float(1)), .scalar(UInt8(1)),
            .scalar(Float(2)), .scalar(UInt8(10)),
        ])
        #expect(out[0].values(UInt8.self) == [12])
    }
}
