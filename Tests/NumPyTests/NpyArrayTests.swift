import Foundation
import Testing
@testable import NumPy

@Suite struct NpyArrayTests {
    @Test func scalarsInitStoresLittleEndianBytes() {
        let array = NpyArray(scalars: [Int32(1), -2], shape: [2])
        #expect(array.dtype == .int32)
        #expect(Array(array.data) == [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff])
        #expect(NpyArray(floats: [1.5]).data == Data([0, 0, 0xc0, 0x3f]))
    }

    @Test func scalarsRequireTheArraysOwnType() {
        let array = NpyArray(floats: [1, 2, 3, 4], shape: [2, 2])
        #expect(array.scalars(as: Float.self) == [1, 2, 3, 4])
        #expect(array.scalars(as: Double.self) == nil)
        #expect(array.scalars(as: Int32.self) == nil)
    }

    @Test func complexScalarsAreInterleavedComponents() {
        let complex = NpyArray(dtype: .complex64, shape: [1], data: NpyArray(floats: [3, -4]).data)
        #expect(complex.scalars(as: Float.self) == [3, -4])
        #expect(complex.scalars(as: Double.self) == nil)
        #expect(complex.floats() == nil)
    }

    @Test func floatsAndDoublesConvertEveryRealDType() {
        #expect(NpyArray(scalars: [true, false]).floats() == [1, 0])
        #expect(NpyArray(scalars: [UInt8(255)]).doubles() == [255])
        #expect(NpyArray(scalars: [Int64.min]).doubles() == [-0x1p63])
        #expect(NpyArray(scalars: [Double(0.1)]).floats() == [Float(0.1)])
        // float16 bits for -2.5 and 65504 (largest finite half).
        let half = NpyArray(dtype: .float16, shape: [2], data: Data([0x00, 0xc1, 0xff, 0x7b]))
        #expect(half.floats() == [-2.5, 65504])
    }

    @Test func accessorsRefuseDataThatDoesNotMatchTheShape() {
        let short = NpyArray(dtype: .float32, shape: [3], data: Data(count: 8))
        #expect(short.scalars(as: Float.self) == nil)
        #expect(short.floats() == nil)
    }

    @Test func elementAndByteCountsCatchOverflowAndNegativeDimensions() {
        #expect(NpyArray.elementCount(of: []) == 1)
        #expect(NpyArray.elementCount(of: [2, 0, 5]) == 0)
        #expect(NpyArray.elementCount(of: [Int.max, Int.max, 0]) == 0)
        #expect(NpyArray.elementCount(of: [Int.max, 2]) == nil)
        #expect(NpyArray.elementCount(of: [3, -1]) == nil)
        #expect(NpyArray(dtype: .float64, shape: [Int.max / 4], data: Data()).byteCount == nil)
        #expect(NpyArray(dtype: .complex128, shape: [2, 3], data: Data()).byteCount == 96)
    }
}
