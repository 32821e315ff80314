import Foundation

/// The parent side of `Containment`: starts the child, forwards its output, enforces the wall-clock
/// limit, passes SIGINT/SIGTERM on, and reports how it ended.
struct ChildSupervisor {
    /// The command's input as the user named it, and every file it reads.
    let file: String
    let inputs: [String]
    let output: String
    let limits: ContainmentLimits

    /// Runs the child to its end and exits with its status, or with one error line when it died.
    func runAndExit() -> Never {
        let staged = StagedTemporaries(output: output)
        let interrupts = InterruptForwarding()
        Interruption.process.handOver()
        let child: SpawnedChild
        do {
            child = try SpawnedChild.start(contract: limits.contract(progressDescriptor: SpawnedChild.progressDescriptor))
        } catch {
            report(file, "cannot start the conversion process (\(error))", code: ExitStatus.badInput.rawValue)
        }
        interrupts.forward(to: child.pid)
        let ending = ChildWatch(child: child, seconds: limits.seconds).wait()
        switch ending.termination {
        case .exited(let status):
            FileHandle.standardError.write(ending.stderr)
            if status != 0 { staged.removeNew() }
            exit(status)
        case .signaled(let signal):
            // What the child printed before it died (a runtime's trap message) is not one line; its
            // death is reported instead.
            staged.removeNew()
            // A terminal's Ctrl-C (or `kill` of the process group) reaches the child directly, maybe before
            // the parent's handler has run; the child never raises these itself.
            if let forwarded = interrupts.received ?? (signal == SIGINT || signal == SIGTERM ? signal : nil) {
                report(file, "interrupted (\(ChildDeath.name(of: forwarded)))", code: 128 + forwarded)
            }
            let death = ChildDeath(signal: signal, timedOut: ending.timedOut, limits: limits, progress: ending.progress)
            let reading = ending.progress.current?.file ?? ending.progress.last?.file
            report(reading.map { inputs.contains($0) } == true ? reading ?? file : file, death.message,
                   code: ExitStatus.badInput.rawValue)
        }
    }

    private func report(_ named: String, _ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("error: \(ErrorLine.text("\(named): \(message)"))\n".utf8))
        exit(code)
    }
}
