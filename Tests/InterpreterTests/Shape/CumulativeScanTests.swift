import Testing
import ONNX
@testable import Interpreter

private typealias S = ShapeTestSupport

@Suite struct CumulativeScanTests {
    @Test func cumProdAlongAxes() throws {
        let x = S.floats([3], [1, 2, 3])
        #expect(try S.one("CumProd", opset: 26, [x, S.ints([0])]).values(Float.self) == [1, 2, 6])
        #expect(try S.one("CumProd", opset: 26, [x, S.ints([0])], [S.int("exclusive", 1)]).values(Float.self) == [1, 1, 2])
        #expect(try S.one("CumProd", opset: 26, [x, S.ints([0])], [S.int("reverse", 1)]).values(Float.self) == [6, 6, 3])
        #expect(try S.one("CumProd", opset: 26, [x, S.ints([0])], [S.int("exclusive", 1), S.int("reverse", 1)])
            .values(Float.self) == [6, 3, 1])
        // 2×2 int32 along the last axis (negative axis): rows [2, 3] → [2, 6] and [4, 5] → [4, 20].
        let m = TensorValue(shape: [2, 2], values: [Int32(2), 3, 4, 5])
        #expect(try S.one("CumProd", opset: 26, [m, S.ints([-1])]).values(Int32.self) == [2, 6, 4, 20])
        #expect(try S.one("CumProd", opset: 26, [m, S.ints([0])]).values(Int32.self) == [2, 3, 8, 15])
    }

    @Test func badAxisThrows() {
        #expect(throws: (any Error).self) { try S.one("CumProd", opset: 26, [S.floats([3], [1, 2, 3]), S.ints([1])]) }
    }
}
