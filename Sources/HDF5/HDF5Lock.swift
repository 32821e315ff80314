import CHDF5
import Synchronization

/// The one process-wide lock every call into libhdf5 goes through.
///
/// libhdf5 is only safe to call from several threads when built with `--enable-threadsafe`; Homebrew's and
/// many distributions' builds are not, and then its id tables, free lists and error stack are unguarded
/// globals. swift-testing and the CLI's task groups call from many threads, so every entry point
/// serializes here whatever the build. Not reentrant: code that already holds the lock calls the internal
/// helpers directly, never `run` again.
enum HDF5Lock {
    private static let mutex = Mutex<Void>(())

    static func run<T: Sendable, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try mutex.withLock { (_: inout Void) throws(E) -> T in
            silenceErrorPrinting()
            return try body()
        }
    }

    /// `run`, with the observer in force (if any) told which file and object the calls are about, so a
    /// supervisor can name it if libhdf5 never returns.
    static func run<T: Sendable, E: Error>(
        file: String, object: @autoclosure () -> String, _ body: () throws(E) -> T
    ) throws(E) -> T {
        guard let observer = HDF5Observer.current else { return try run(body) }
        return try run { () throws(E) -> T in
            observer.willEnter(file, object())
            defer { observer.didReturn() }
            return try body()
        }
    }

    /// By default libhdf5 prints its whole error stack to stderr on every failure; failures surface as
    /// HDF5Error instead, so a bad file must not also spray stderr. A thread-safe build (Debian's 1.10.8
    /// is one) keeps that setting per thread, and tasks hop threads, so it is set on every entry, not once.
    private static func silenceErrorPrinting() {
        H5Eset_auto2(chdf5_e_default(), nil, nil)
    }
}
