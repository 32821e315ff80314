import Foundation

/// This executable started again with the same arguments, as a contained child: its stderr and a
/// progress pipe come back to the parent, its stdout is the parent's.
struct SpawnedChild {
    /// The child's descriptor for its progress pipe.
    static let progressDescriptor: Int32 = 3

    let pid: pid_t
    /// Read ends, owned by the parent.
    let stderr: Int32
    let progress: Int32

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    static func start(contract: String) throws(StartError) -> SpawnedChild {
        let executable = try executablePath()
        // stderr's pipe first: its write end is then never descriptor 3, the progress target.
        let errors = try pipe()
        let progress = try pipe()
        var environment = ProcessInfo.processInfo.environment
        environment[Containment.childVariable] = contract
        // A crash is reported by the parent in one line; the runtime's backtrace would only add noise.
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let pid = try spawn(executable, environment: environment, errors: errors, progress: progress)
        close(errors.write)
        close(progress.write)
        return SpawnedChild(pid: pid, stderr: errors.read, progress: progress.read)
    }

    private static func executablePath() throws(StartError) -> String {
        #if os(Linux)
        return "/proc/self/exe"
        #else
        guard let path = Bundle.main.executablePath else { throw StartError(description: "no executable path") }
        return path
        #endif
    }

    /// A pipe whose ends are closed on exec (the child gets dup2'd copies only).
    private static func pipe() throws(StartError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard Foundation.pipe(&ends) == 0 else { throw StartError(description: "pipe: \(String(cString: strerror(errno)))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// posix_spawn with stderr and the progress pipe in place and SIGINT/SIGTERM back to their defaults
    /// (the parent ignores them while it forwards them, and ignored signals survive exec).
    private static func spawn(
        _ executable: String, environment: [String: String],
        errors: (read: Int32, write: Int32), progress: (read: Int32, write: Int32)
    ) throws(StartError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        posix_spawn_file_actions_adddup2(&actions, progress.write, progressDescriptor)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = [executable] + CommandLine.arguments.dropFirst()
        let environmentLines = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(environmentLines) { envp in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        guard status == 0 else { throw StartError(description: "posix_spawn: \(String(cString: strerror(status)))") }
        return pid
    }

    /// A NULL-terminated array of C strings that lives for the duration of `body`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
