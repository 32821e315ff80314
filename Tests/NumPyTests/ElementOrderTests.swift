import Foundation
import Testing
@testable import NumPy

@Suite struct ElementOrderTests {
    @Test func swapsWholeUnits() {
        var data = Data([1, 2, 3, 4, 5, 6, 7, 8])
        ElementOrder.swapBytes(&data, unit: 4)
        #expect(Array(data) == [4, 3, 2, 1, 8, 7, 6, 5])
        ElementOrder.swapBytes(&data, unit: 1)
        #expect(Array(data) == [4, 3, 2, 1, 8, 7, 6, 5])
    }

    @Test func transposesFortranOrderToCOrder() {
        // A 2×3 matrix [[0, 1, 2], [3, 4, 5]] in Fortran order is 0 3 1 4 2 5.
        let fortran = Data([0, 3, 1, 4, 2, 5])
        #expect(Array(ElementOrder.fortranToC(fortran, shape: [2, 3], itemSize: 1)) == [0, 1, 2, 3, 4, 5])
    }

    @Test func transposesThreeDimensionsWithWideItems() {
        // C order value at (i, j, k) is its C index; in Fortran order the byte offset is i + 2j + 6k.
        let shape = [2, 3, 4]
        var fortran = [UInt16](repeating: 0, count: 24)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { fortran[i + 2 * j + 6 * k] = UInt16(i * 12 + j * 4 + k) } } }
        let bytes = NpyArray(scalars: fortran, shape: shape).data
        let c = NpyArray(dtype: .uint16, shape: shape, data: ElementOrder.fortranToC(bytes, shape: shape, itemSize: 2))
        #expect(c.scalars(as: UInt16.self) == (0..<24).map { UInt16($0) })
    }

    @Test func leavesVectorsScalarsAndEmptyArraysAlone() {
        let data = Data([9, 8, 7])
        #expect(ElementOrder.fortranToC(data, shape: [3], itemSize: 1) == data)
        #expect(ElementOrder.fortranToC(Data([1]), shape: [], itemSize: 1) == Data([1]))
        #expect(ElementOrder.fortranToC(Data(), shape: [0, 3], itemSize: 4).isEmpty)
    }
}
