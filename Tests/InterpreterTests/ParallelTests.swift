import Foundation
import Testing
@testable import Interpreter

/// The pieces that split work over cores must cover every element exactly once, whatever the split.
@Suite struct ParallelTests {
    @Test(arguments: [0, 1, 7, 1 << 16, (1 << 18) + 3])
    func chunksCoverTheRangeOnce(count: Int) {
        var hits = [Int](repeating: 0, count: count)
        hits.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let shared = base
            Parallel.forChunks(count) { range in
                for i in range { shared[i] += 1 }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }

    @Test func smallWorkStaysInOnePiece() {
        var pieces = 0
        Parallel.forChunks(100) { _ in pieces += 1 }
        #expect(pieces == 1)
        Parallel.forChunks(1 << 20, split: false) { _ in pieces += 1 }
        #expect(pieces == 2)
    }

    /// A split gemm gives the same product as one call (integers in floats, so exactly).
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func panelsMultiplyLikeOneGemm(transposeA: Bool, transposeB: Bool) {
        for (m, n, k) in [(300, 70, 40), (20, 1000, 30), (300, 40, 40)] {  // column, column, row panels
            let a = (0..<(m * k)).map { Float($0 % 7) - 3 }
            let b = (0..<(k * n)).map { Float($0 % 5) - 2 }
            var expected = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Float = 0
                    for p in 0..<k {
                        sum += a[transposeA ? p * m + i : i * k + p] * b[transposeB ? j * k + p : p * n + j]
                    }
                    expected[i * n + j] = sum
                }
            }
            var c = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        let call = GemmCall(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                            alpha: 1, a: pa.baseAddress!, lda: transposeA ? m : k,
                                            b: pb.baseAddress!, ldb: transposeB ? k : n,
                                            beta: 0, c: pc.baseAddress!, ldc: n)
                        #expect(call.panels(cores: 2).count == 2)
                        BLAS.gemm(call)
                    }
                }
            }
            #expect(c == expected, "m \(m) n \(n) k \(k)")
        }
    }

    /// A broadcast cursor started at row r stands where r advances from row 0 would leave it.
    @Test func broadcastCursorStartsMidway() throws {
        let layout = try BroadcastLayout([[2, 3, 1, 5], [1, 3, 4, 1]])
        var walked = BroadcastRowCursor(layout)
        let rows = layout.count / layout.inner
        for row in 0..<rows {
            let direct = BroadcastRowCursor(layout, row: row)
            #expect(direct.offsets == walked.offsets && direct.output == walked.output, "row \(row)")
            _ = walked.advance()
        }
    }

    @Test func profileSumsTimePerOpType() throws {
        let profile = OpProfile()
        for _ in 0..<3 { profile.time("Relu", node: "relu_1") { } }
        profile.time("Relu", node: "relu_2") { }
        profile.time("Conv", node: "conv") { usleep(2000) }
        #expect(profile.entries.map(\.opType).sorted() == ["Conv", "Relu"])
        #expect(profile.entries.first { $0.opType == "Relu" }?.calls == 4)
        #expect(profile.totalSeconds >= 0.002)
        let nodes = profile.slowestNodes(2)
        #expect(nodes.count == 2 && nodes.first?.label == "conv" && nodes.first?.opType == "Conv")
        #expect(profile.slowestNodes(10).first { $0.label == "relu_1" }?.calls == 3)
    }
}

/// The worker pool behind `Parallel`: every iteration runs once, loops started inside a loop or from
/// several threads at once run inline instead of waiting on a pool that is busy.
@Suite struct WorkerPoolTests {
    final class Counts: @unchecked Sendable {
        let values: UnsafeMutablePointer<Int>
        let count: Int
        init(_ count: Int) {
            self.count = count
            values = .allocate(capacity: count)
            values.initialize(repeating: 0, count: count)
        }
        deinit { values.deallocate() }
        var all: [Int] { Array(UnsafeBufferPointer(start: values, count: count)) }
    }

    @Test func everyIterationRunsOnce() {
        for iterations in [0, 1, 2, 3, 17, 1000] {
            let counts = Counts(iterations)
            Parallel.perform(iterations) { counts.values[$0] += 1 }
            #expect(counts.all.allSatisfy { $0 == 1 }, "\(iterations) iterations")
        }
    }

    @Test func nestedLoopsRunInline() {
        let counts = Counts(8 * 8)
        Parallel.perform(8) { outer in
            Parallel.perform(8) { inner in counts.values[outer * 8 + inner] += 1 }
        }
        #expect(counts.all.allSatisfy { $0 == 1 })
    }

    @Test func loopsFromSeveralThreadsAtOnce() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var ok = true
                    for round in 0..<50 {
                        let counts = Counts(64 + task + round)
                        Parallel.perform(counts.count) { counts.values[$0] += $0 }
                        ok = ok && counts.all == Array(0..<counts.count)
                    }
                    return ok
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 8 && results.allSatisfy { $0 })
    }
}
