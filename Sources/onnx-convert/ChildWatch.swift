import Foundation

/// Follows a contained child until it ends: collects its stderr (to forward or drop), reads its progress
/// lines, and kills it at the wall-clock limit.
struct ChildWatch {
    enum Termination: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    struct Ending {
        var termination: Termination
        var timedOut: Bool
        var stderr: Data
        var progress: ChildProgress
    }

    let child: SpawnedChild
    let seconds: Int
    /// Errors are one line and warnings a few; more than this from a child is dropped, not buffered.
    private let stderrCap = 1 << 20

    init(child: SpawnedChild, seconds: Int) {
        self.child = child
        self.seconds = seconds
    }

    func wait() -> Ending {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds) * 1_000_000_000
        var stderr = Data()
        var progress = ChildProgress()
        var timedOut = false
        var open: [Int32] = [child.stderr, child.progress]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline && !timedOut {
                timedOut = true
                kill(child.pid, SIGKILL)
            }
            // After the kill, the pipes close as soon as the kernel has torn the child down.
            let wait = timedOut ? 1000 : Int32(clamping: (deadline - min(now, deadline)) / 1_000_000 + 1)
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == child.progress {
                    progress.consume(buffer[0..<count])
                } else if stderr.count < stderrCap {
                    stderr.append(contentsOf: buffer[0..<min(count, stderrCap - stderr.count)])
                }
            }
        }
        for fd in open { close(fd) }
        return Ending(termination: reap(), timedOut: timedOut, stderr: stderr, progress: progress)
    }

    private func reap() -> Termination {
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 {
            guard errno == EINTR else { return .signaled(SIGKILL) }
        }
        // WIFEXITED / WTERMSIG are macros Swift does not import.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }
}
