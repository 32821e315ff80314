import Foundation
import HDF5

/// Runs a command's reading and converting in a child process with CPU, memory and wall-clock limits.
///
/// libhdf5 is C code that trusts much of what a file says: byte-flipped `.h5` files made it write past
/// a buffer (SIGSEGV in H5Dread), walk a damaged global heap forever (H5HG_read), or allocate gigabytes.
/// HDF5Dataset checks what can be checked before each read; what libhdf5 still does cannot be caught in
/// the process it happens in. So the command re-executes this binary (`/proc/self/exe`, same arguments)
/// with `ONNX_CONVERT_CONTAINED` set: the child does the whole conversion under limits and tells the
/// parent over a pipe which HDF5 object it is reading; the parent forwards the child's output and exit
/// status, and turns the child's death into one error line naming that object (exit 2), after removing
/// the temporaries of a half-written output. Re-executing costs one process start (a few ms); the file is
/// read once. `fork` without `exec` is not an option in a multi-threaded Swift process.
///
/// `ONNX_CONVERT_CONTAINMENT=off` runs in-process (for debugging); `ONNX_CONVERT_TIME_LIMIT=<seconds>`
/// replaces the wall-clock limit derived from the input size.
enum Containment {
    static let childVariable = "ONNX_CONVERT_CONTAINED"
    static let switchVariable = "ONNX_CONVERT_CONTAINMENT"
    static let timeLimitVariable = "ONNX_CONVERT_TIME_LIMIT"

    /// Runs `body` in a contained child: in the parent, supervises and never returns (it exits with the
    /// child's status); in the child, applies the limits and runs `body` reporting HDF5 progress.
    /// `file` is the command's input as the user named it; `inputs` all files it reads (for the limits);
    /// `output` the file it writes.
    static func run(file: String, inputs: [String], output: String, _ body: () throws -> Void) throws {
        let environment = ProcessInfo.processInfo.environment
        if let contract = environment[childVariable] {
            try ContainedChild.run(contract: contract, body)
        } else if environment[switchVariable] == "off" {
            try body()
        } else {
            let limits = ContainmentLimits(inputs: inputs, environment: environment)
            let supervisor = ChildSupervisor(file: file, inputs: inputs, output: output, limits: limits)
            supervisor.runAndExit()
        }
    }
}
