import Foundation
import Synchronization

/// Worker threads for the interpreter's parallel loops (`Parallel.perform`), one per core besides the
/// caller's. After a loop a worker keeps polling for the next one for a short while before it sleeps.
///
/// Why not `DispatchQueue.concurrentPerform`: a CNN runs a few hundred short parallel loops per image,
/// 50–300 µs each. Dispatch parks its threads between them, and waking a parked thread on this VM took
/// tens of microseconds and a tenth of the samples of a MobileNetV2 profile (futex wake, IPI, task
/// switch). onnxruntime's pool polls in the same way between the ops of a run.
final class WorkerPool: @unchecked Sendable {
    /// The process's pool, with its threads started on first use.
    static let shared = WorkerPool(workers: Parallel.cores - 1)

    /// How long an idle worker polls before it sleeps.
    private static let pollNanoseconds: UInt64 = 200_000

    /// One parallel loop: parts are claimed from `next` by whichever thread comes first.
    private final class Job: @unchecked Sendable {
        let count: Int
        let body: (Int) -> Void
        let next = Atomic<Int>(0)
        let finished = Atomic<Int>(0)

        init(count: Int, body: @escaping (Int) -> Void) {
            self.count = count
            self.body = body
        }

        /// Runs parts until none is left.
        func work() {
            while true {
                let part = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard part < count else { return }
                body(part)
                finished.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    /// The loop being run, under `lock`; workers take it from here.
    private var current: Job?
    private let lock = NSCondition()
    /// Bumped for each new loop, so polling workers see one without the lock.
    private let epoch = Atomic<Int>(0)
    /// Workers holding a reference to a job; the caller waits for them to let go before it returns.
    private let holders = Atomic<Int>(0)
    /// Set while a loop runs: a loop started inside another (or from a second thread) runs inline.
    private let busy = Atomic<Bool>(false)
    private var sleeping = 0

    private init(workers: Int) {
        for index in 0..<workers {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "onnx-convert worker \(index + 1)"
            thread.start()
        }
    }

    /// Calls `body(i)` for every i in 0..<count, on the caller's thread and the workers, and returns when
    /// all calls have returned.
    func perform(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0..<count { body(i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        // The job and every reference to it are gone before this returns, so `body` does not escape.
        withoutActuallyEscaping(body) { body in
            let job = Job(count: count, body: body)
            lock.lock()
            current = job
            epoch.wrappingAdd(1, ordering: .releasing)
            if sleeping > 0 { lock.broadcast() }
            lock.unlock()
            job.work()
            while job.finished.load(ordering: .acquiring) < count {}
            lock.lock()
            current = nil
            lock.unlock()
            while holders.load(ordering: .acquiring) > 0 {}
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            seen = waitForNewEpoch(after: seen)
            lock.lock()
            var job = current
            if job != nil { holders.wrappingAdd(1, ordering: .relaxed) }
            lock.unlock()
            guard job != nil else { continue }
            job?.work()
            job = nil
            holders.wrappingSubtract(1, ordering: .releasing)
        }
    }

    /// Polls for a loop newer than `seen`, then sleeps until one is posted; returns its epoch.
    private func waitForNewEpoch(after seen: Int) -> Int {
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.pollNanoseconds
        var spins = 0
        while true {
            let now = epoch.load(ordering: .acquiring)
            if now != seen { return now }
            spins += 1
            if spins & 255 == 0 && DispatchTime.now().uptimeNanoseconds > deadline { break }
        }
        lock.lock()
        defer { lock.unlock() }
        while epoch.load(ordering: .acquiring) == seen {
            sleeping += 1
            lock.wait()
            sleeping -= 1
        }
        return epoch.load(ordering: .acquiring)
    }
}
