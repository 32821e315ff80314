import Testing
import ONNX
@testable import Interpreter

@Suite struct BitCastTests {
    private func bitCast(_ x: TensorValue, to type: DataType) throws -> TensorValue? {
        try NodeRunner.run("BitCast", opset: 26, tensors: [x],
                           attributes: [Attribute(name: "to", value: .int(Int64(type.rawValue)))]).first ?? nil
    }

    @Test func reinterpretsBits() throws {
        // 1.0f is 0x3F800000; −1 as int8 is 0xFF; true is byte 1.
        let f = try bitCast(TensorValue(shape: [2], values: [Float(1), 0]), to: .int32)
        #expect(f?.values(Int32.self) == [0x3F80_0000, 0] && f?.shape == [2])
        #expect(try bitCast(TensorValue(shape: [], values: [Int8(-1)]), to: .uint8)?.values(UInt8.self) == [255])
        #expect(try bitCast(TensorValue(shape: [1], values: [true]), to: .uint8)?.values(UInt8.self) == [1])
        let back = try bitCast(TensorValue(shape: [1], values: [Int64(0x3FF0_0000_0000_0000)]), to: .double)
        #expect(back?.values(Double.self) == [1])
    }

    @Test func rejectsDifferentWidths() {
        #expect(throws: KernelError.self) { try bitCast(TensorValue(shape: [1], values: [Float(1)]), to: .int64) }
        #expect(throws: KernelError.self) { try bitCast(TensorValue(shape: [1], values: ["a"]), to: .uint8) }
    }
}
