import Dispatch
import Foundation
import Limits

/// SIGINT and SIGTERM end the command at once, removing the temporary files of outputs being written
/// (`TemporaryFiles.process`), so an interrupted conversion leaves no `.out.onnx.….tmp` behind. The exit
/// status is the shell's convention, 128 + the signal number.
enum Interruption {
    /// The sources must stay alive for as long as the process runs; returned for the caller to keep.
    static func install() -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global(qos: .userInteractive))
            source.setEventHandler {
                TemporaryFiles.process.removeAll()
                FileHandle.standardError.write(Data("error: interrupted (signal \(number)); no output written\n".utf8))
                _exit(128 + number)
            }
            source.resume()
            return source
        }
    }
}
