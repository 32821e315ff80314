import Foundation

/// The one line that says how a contained child died and what it was doing.
struct ChildDeath {
    let signal: Int32
    /// The parent killed it at the wall-clock limit.
    let timedOut: Bool
    let limits: ContainmentLimits
    let progress: ChildProgress

    var message: String {
        if let place = progress.current {
            if timedOut { return "libhdf5 did not finish within \(limits.seconds) s reading \(place.object); the file is damaged" }
            if signal == SIGXCPU {
                return "libhdf5 used more than \(limits.cpuSeconds) s of CPU time reading \(place.object); the file is damaged"
            }
            return "libhdf5 crashed (signal \(signal), \(Self.name(of: signal))) reading \(place.object); the file is damaged"
        }
        let after = progress.last.map { " after libhdf5 read \($0.object)" } ?? ""
        if timedOut { return "the conversion did not finish within \(limits.seconds) s\(after)" }
        if signal == SIGXCPU { return "the conversion used more than \(limits.cpuSeconds) s of CPU time\(after)" }
        // libhdf5 can write past a buffer on a damaged file and return as if nothing happened; the heap it
        // corrupted then fails later, anywhere. Without an HDF5 read before, the crash is onnx-convert's own.
        guard progress.last != nil else {
            return "the conversion crashed (signal \(signal), \(Self.name(of: signal))); this is a bug in onnx-convert"
        }
        return "the conversion crashed (signal \(signal), \(Self.name(of: signal)))\(after); the file is likely damaged"
    }

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGSEGV: return "SIGSEGV"
        case SIGBUS: return "SIGBUS"
        case SIGILL: return "SIGILL"
        case SIGTRAP: return "SIGTRAP"
        case SIGABRT: return "SIGABRT"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL"
        case SIGXCPU: return "SIGXCPU"
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }
}
