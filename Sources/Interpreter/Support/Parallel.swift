import Foundation

/// Splits long loops over the cores. Kernels call it on element ranges that write disjoint outputs.
enum Parallel {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Below this much work (elements × cost per element) one core does it all: waking a second thread
    /// costs about as much as this many cheap elementwise operations.
    static let minimumSplit = 1 << 16

    /// Calls `body` on consecutive ranges that together cover `0..<count`, concurrently when the work
    /// (`count` × `cost`) is large enough to pay for it and `split` allows it.
    @inline(__always)
    static func forChunks(_ count: Int, cost: Int = 1, split: Bool = true, _ body: (Range<Int>) -> Void) {
        let work = count * max(cost, 1)
        // More parts than cores: the pool hands parts out as threads come free, so when another process
        // holds a core the caller's thread takes over the late thread's share instead of waiting.
        let parts = split && cores > 1 && work >= minimumSplit ? min(count, cores * 4, work / (minimumSplit / 4)) : 1
        guard parts > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        let step = (count + parts - 1) / parts
        // The parts touch disjoint outputs, which is what makes sharing `body` across threads sound.
        perform(parts) { part in
            let start = part * step, end = min(count, start + step)
            if start < end { body(start..<end) }
        }
    }

    /// Calls `body(i)` for each i in 0..<iterations on the worker pool and the caller's thread; returns
    /// when all have returned. A call made from inside another runs its iterations inline.
    @inline(__always)
    static func perform(_ iterations: Int, _ body: (Int) -> Void) {
        WorkerPool.shared.perform(iterations, body)
    }
}
