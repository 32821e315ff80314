import Dispatch
import Foundation
import Synchronization

/// Passes SIGINT and SIGTERM on to the child instead of dying at once, so the parent outlives it and
/// can remove what it was writing. A terminal's Ctrl-C reaches both; the child then gets it twice, which
/// does no harm.
final class InterruptForwarding {
    private struct State {
        var pid: pid_t?
        var received: Int32?
    }

    /// Shared with the signal handlers, which run on a dispatch queue.
    private final class Shared: Sendable {
        let mutex = Mutex(State())
    }

    private let shared = Shared()
    private let sources: [any DispatchSourceSignal]

    init() {
        let shared = self.shared
        sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let pid = shared.mutex.withLock { current -> pid_t? in
                    current.received = current.received ?? signalNumber
                    return current.pid
                }
                if let pid { kill(pid, signalNumber) }
            }
            source.resume()
            return source
        }
    }

    /// From now on signals go to `pid`; one that came while the child was starting is passed on now.
    func forward(to pid: pid_t) {
        let pending = shared.mutex.withLock { current -> Int32? in
            current.pid = pid
            return current.received
        }
        if let pending { kill(pid, pending) }
    }

    /// The first signal received, if any.
    var received: Int32? {
        shared.mutex.withLock { $0.received }
    }
}
