import Testing
@testable import Interpreter

@Test func sgemmMultipliesRowMajorMatrices() {
    // [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
    let a: [Float] = [1, 2, 3, 4, 5, 6]
    let b: [Float] = [7, 8, 9, 10, 11, 12]
    var c = [Float](repeating: 0, count: 4)
    c.withUnsafeMutableBufferPointer { cp in
        BLAS.sgemm(m: 2, n: 2, k: 3, a: a, b: b, c: cp.baseAddress!)
    }
    #expect(c == [58, 64, 139, 154])
}

@Test func sgemmTransposesOperands() {
    let a: [Float] = [1, 4, 2, 5, 3, 6]  // 3×2, the transpose of [[1,2,3],[4,5,6]]
    let b: [Float] = [7, 9, 11, 8, 10, 12]  // 2×3, the transpose of the right factor
    var c = [Float](repeating: 1, count: 4)
    c.withUnsafeMutableBufferPointer { cp in
        BLAS.sgemm(transposeA: true, transposeB: true, m: 2, n: 2, k: 3, a: a, b: b, beta: 1, c: cp.baseAddress!)
    }
    #expect(c == [59, 65, 140, 155])
}
