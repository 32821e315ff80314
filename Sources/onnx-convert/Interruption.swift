import Dispatch
import Foundation
import Limits
import Synchronization

/// SIGINT and SIGTERM end the command at once, removing the temporary files of outputs being written
/// (`TemporaryFiles.process`), so an interrupted conversion leaves no `.out.onnx.….tmp` behind. The exit
/// status is the shell's convention, 128 + the signal number.
///
/// Signals belong to the process, so there is one of these (`process`), installed by `main`. A command
/// that supervises a contained child hands the signals over (`handOver()`): the child, which runs this
/// same handler, cleans up, and the parent outlives it to report.
final class Interruption: Sendable {
    static let process = Interruption()

    private let sources = Mutex<[any DispatchSourceSignal]>([])

    func install() {
        sources.withLock { installed in
            guard installed.isEmpty else { return }
            installed = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global(qos: .userInteractive))
                source.setEventHandler {
                    TemporaryFiles.process.removeAll()
                    FileHandle.standardError.write(Data("error: interrupted (\(ChildDeath.name(of: number))); no output written\n".utf8))
                    _exit(128 + number)
                }
                source.resume()
                return source
            }
        }
    }

    /// Stops handling the signals here; whoever calls this has its own handlers for them already.
    func handOver() {
        sources.withLock { installed in
            for source in installed { source.cancel() }
            installed.removeAll()
        }
    }
}
