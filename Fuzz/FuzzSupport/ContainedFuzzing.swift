// Shared by the fuzz targets whose code under test calls libhdf5 (FuzzKerasH5, FuzzKerasArchive).
import CLibFuzzer
import Foundation
import HDF5
import Limits
#if canImport(Glibc)
import Glibc
#endif

/// Runs the code under test for each fuzz input in a forked child, as `onnx-convert keras` runs libhdf5 in
/// a contained child: libhdf5 crashes and loops on some damaged files whatever the checks before each call,
/// and the product's promise there is one error line, which containment keeps. So a child that dies or
/// hangs *inside* libhdf5 (an HDF5Observer says when it is) is contained, as in the product: the input is
/// kept for inspection and counted, not a finding. A child that dies, hangs or outgrows its memory
/// *outside* libhdf5 is onnx-convert's own bug: the parent aborts, and libFuzzer records the input.
///
/// The child's coverage counters are copied back into the parent's before libFuzzer looks at them, so the
/// search is still guided by what the child reached.
public final class ContainedFuzzing {
    /// The file each input is written to, with the suffix the reader expects (.h5, .keras).
    private let inputPath: String
    /// Where inputs that killed or hung libhdf5 are kept (the first `keptLimit` of them).
    private let containedFolder: URL
    private let keptLimit = 200
    /// CPU seconds for one child, below libFuzzer's -timeout so that a contained hang is not a finding.
    /// CPU time, not wall-clock time: on a loaded machine (fuzzers side by side on two cores) a 0.2 s
    /// input once took past a 1 s wall-clock limit and was recorded as a hang.
    private let seconds: Double
    /// Wall-clock seconds for a child that waits without computing (a blocked read).
    private var wallSeconds: Double { max(10, seconds * 10) }
    /// Resident bytes past which a child is killed: the 1 GiB budget, plus the sanitizer's own overhead.
    private let residentLimit = 3 << 30
    private let budget = MemoryBudget(bytes: 1 << 30)
    /// Shared with the children: byte 0 says whether the child is inside libhdf5, the rest holds the
    /// child's coverage counters when it exits.
    private let shared: UnsafeMutableRawPointer
    private let counters: UnsafeMutableRawBufferPointer
    public private(set) var containedCount = 0

    public init(target: String, suffix: String) {
        let environment = ProcessInfo.processInfo.environment
        let work = URL(fileURLWithPath: environment["FUZZ_WORK_DIR"] ?? NSTemporaryDirectory()).appendingPathComponent(target)
        containedFolder = work.appendingPathComponent("contained")
        try? FileManager.default.createDirectory(at: containedFolder, withIntermediateDirectories: true)
        inputPath = work.appendingPathComponent("input-\(getpid())\(suffix)").path
        seconds = environment["FUZZ_CHILD_SECONDS"].flatMap(Double.init) ?? 1
        let start = fuzz_counters_start(), end = fuzz_counters_end()
        let count = start.flatMap { start in end.map { $0 - start } } ?? 0
        counters = UnsafeMutableRawBufferPointer(start: start.map(UnsafeMutableRawPointer.init), count: max(0, count))
        let mapped = mmap(nil, 8 + counters.count, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { fatalError("cannot map the memory shared with the children") }
        shared = mapped
        // Initialised once here, so that every child starts from a ready library instead of paying for it.
        _ = HDF5Library.version()
    }

    /// Writes the input where `body` will find it, runs `body(path)` in a child, and judges how it ended.
    public func run(_ data: UnsafeRawBufferPointer, _ body: (String) throws -> Void) {
        guard write(data) else { fatalError("cannot write the fuzz input to \(inputPath)") }
        shared.storeBytes(of: 0, as: UInt8.self)
        let child = fork()
        if child == 0 { runChild(body) }
        guard child > 0 else { fatalError("fork failed: \(String(cString: strerror(errno)))") }
        let outcome = wait(for: child)
        let insideLibrary = shared.load(as: UInt8.self) == 1
        switch outcome {
        case .exited(0):
            if let base = counters.baseAddress { base.copyMemory(from: shared + 8, byteCount: counters.count) }
        case _ where insideLibrary:
            keepContained(data, outcome)
        default:
            let message = "==ContainedFuzzing== the code under test \(outcome.description) outside libhdf5\n"
            FileHandle.standardError.write(Data(message.utf8))
            abort()
        }
    }

    enum Outcome: CustomStringConvertible {
        case exited(Int32), signalled(Int32), timedOut, outgrew(Int)

        var description: String {
            switch self {
            case .exited(let code): return "exited with status \(code)"
            case .signalled(let signal): return "died of signal \(signal)"
            case .timedOut: return "ran past its time limit"
            case .outgrew(let bytes): return "grew to \(bytes >> 20) MiB resident"
            }
        }
    }

    private func runChild(_ body: (String) throws -> Void) -> Never {
        // Die by the signal itself, not through the sanitizer's or libFuzzer's handlers: those would write
        // a crash artifact from the child for a crash that containment turns into an error line.
        __sanitizer_set_death_callback { _exit(86) }
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] { _ = Glibc.signal(signal, SIG_DFL) }
        let null = open("/dev/null", O_WRONLY)
        if ProcessInfo.processInfo.environment["FUZZ_CHILD_STDERR"] == nil { dup2(null, 2) }
        dup2(null, 1)
        let flag = Int(bitPattern: shared)
        let observer = HDF5Observer(
            willEnter: { _, _ in UnsafeMutablePointer<UInt8>(bitPattern: flag)?.pointee = 1 },
            didReturn: { UnsafeMutablePointer<UInt8>(bitPattern: flag)?.pointee = 0 })
        MemoryBudget.$current.withValue(budget) {
            HDF5Observer.$current.withValue(observer) { try? body(inputPath) }
        }
        if let base = counters.baseAddress { (shared + 8).copyMemory(from: base, byteCount: counters.count) }
        _exit(0)
    }

    private func wait(for child: pid_t) -> Outcome {
        let deadline = Date().addingTimeInterval(wallSeconds)
        var status: Int32 = 0
        while true {
            let done = waitpid(child, &status, WNOHANG)
            if done == child { break }
            if done < 0 && errno != EINTR { fatalError("waitpid failed: \(String(cString: strerror(errno)))") }
            let resident = Self.residentBytes(child)
            if Self.cpuSeconds(child) > seconds || Date() > deadline || resident > residentLimit {
                kill(child, SIGKILL)
                while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                return resident > residentLimit ? .outgrew(resident) : .timedOut
            }
            usleep(500)
        }
        // WIFEXITED / WTERMSIG are macros Swift cannot import.
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    /// User plus system time of `child`, from fields 14 and 15 of /proc/<pid>/stat (after the command
    /// name, which may hold spaces and parentheses, hence the last ')').
    private static func cpuSeconds(_ child: pid_t) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func residentBytes(_ child: pid_t) -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/\(child)/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private func write(_ data: UnsafeRawBufferPointer) -> Bool {
        let descriptor = open(inputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var offset = 0
        while offset < data.count {
            guard let base = data.baseAddress else { return false }
            let written = Glibc.write(descriptor, base + offset, data.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private func keepContained(_ data: UnsafeRawBufferPointer, _ outcome: Outcome) {
        containedCount += 1
        // One line per case, counted by scripts/fuzz.sh.
        FileHandle.standardError.write(Data("==ContainedFuzzing== contained: libhdf5 \(outcome.description)\n".utf8))
        guard containedCount <= keptLimit else { return }
        let name = "contained-\(containedCount)-\(outcome.description.replacingOccurrences(of: " ", with: "-"))"
        try? Data(data).write(to: containedFolder.appendingPathComponent(name))
    }
}
