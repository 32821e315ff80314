import Foundation

/// The process's peak resident memory, from Linux's VmHWM. It belongs to this program's own address space.
/// getrusage's and wait4's ru_maxrss carry the pre-exec high-water mark of the forking parent (a Python
/// benchmark holding onnxruntime, say), so they can overstate a small process.
enum PeakMemory {
    static func residentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Double(fields[1]) else { return nil }
            return kib / 1024
        }
        return nil
    }
}
