import Testing
import Interpreter
import ONNX
@testable import Parity

@Suite struct ValueComparisonTests {
    let tolerance = Tolerance(rtol: 1e-3, atol: 1e-7)

    @Test func closeFloatsMatchWithinRelativeTolerance() {
        let expected = TensorValue(shape: [3], values: [Float(1), 100, -2])
        let actual = TensorValue(shape: [3], values: [Float(1.0005), 100.09, -2])
        let result = ValueComparison.compare(actual, expected, tolerance: tolerance)
        #expect(result.matches)
        #expect(abs(result.maxAbsoluteError - 0.09) < 1e-4)
    }

    @Test func farFloatsAreReportedWithTheFirstBadElement() {
        let expected = TensorValue(shape: [3], values: [Float(1), 2, 3])
        let actual = TensorValue(shape: [3], values: [Float(1), 2.01, 3.5])
        let result = ValueComparison.compare(actual, expected, tolerance: tolerance)
        #expect(!result.matches)
        #expect(result.mismatch?.hasPrefix("2 of 3 elements differ; first at 1") == true)
    }

    @Test func nanMatchesNanButNotANumber() {
        let nan = TensorValue(shape: [2], values: [Float.nan, 1])
        #expect(ValueComparison.compare(nan, nan).matches)
        #expect(!ValueComparison.compare(TensorValue(shape: [2], values: [Float(0), 1]), nan).matches)
        let inf = TensorValue(shape: [1], values: [Float.infinity])
        #expect(ValueComparison.compare(inf, inf).matches)
        #expect(!ValueComparison.compare(TensorValue(shape: [1], values: [-Float.infinity]), inf).matches)
    }

    @Test func typeAndShapeMustAgree() {
        let floats = TensorValue(shape: [2], values: [Float(1), 2])
        #expect(ValueComparison.compare(TensorValue(shape: [2], values: [Double(1), 2]), floats).mismatch == "type float64, expected float32")
        #expect(ValueComparison.compare(TensorValue(shape: [1, 2], values: [Float(1), 2]), floats).mismatch == "shape [1, 2], expected [2]")
    }

    @Test func integersBoolsAndStringsCompareExactly() {
        #expect(ValueComparison.compare(TensorValue(shape: [2], values: [Int64(3), 4]), TensorValue(shape: [2], values: [Int64(3), 4])).matches)
        #expect(!ValueComparison.compare(TensorValue(shape: [2], values: [Int64(3), 5]), TensorValue(shape: [2], values: [Int64(3), 4])).matches)
        #expect(ValueComparison.compare(TensorValue(shape: [2], values: [true, false]), TensorValue(shape: [2], values: [true, true])).mismatch
            == "values differ first at element 1")
        #expect(ValueComparison.compare(TensorValue(shape: [1], values: ["a"]), TensorValue(shape: [1], values: ["a"])).matches)
    }

    @Test func sequencesAndOptionalsCompareItemByItem() {
        let a = RuntimeValue.tensor(TensorValue(shape: [1], values: [Float(1)]))
        let b = RuntimeValue.tensor(TensorValue(shape: [1], values: [Float(2)]))
        #expect(ValueComparison.compare(.sequence([a, a]), .sequence([a, a])).matches)
        #expect(ValueComparison.compare(.sequence([a, b]), .sequence([a, a])).mismatch?.hasPrefix("sequence item 1") == true)
        #expect(ValueComparison.compare(.sequence([a]), .sequence([a, a])).mismatch == "sequence of 1, expected 2")
        #expect(ValueComparison.compare(.optional(nil), .optional(nil)).matches)
        #expect(!ValueComparison.compare(.optional(a), .optional(nil)).matches)
    }

    @Test func scaledErrorIsTheLargestErrorOverTheLargestReference() {
        let expected = TensorValue(shape: [3], values: [Float(2), -4, 1])
        let actual = TensorValue(shape: [3], values: [Float(2.5), -4, 0])
        // Largest |error| 1 (at the last element) over largest |reference| 4.
        #expect(ValueComparison.scaledError(actual, expected) == 0.25)
        #expect(ValueComparison.scaledError(TensorValue(shape: [2], values: [Float(1), 2]), expected) == nil)
    }
}
