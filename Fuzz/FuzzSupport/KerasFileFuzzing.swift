import CLibFuzzer
import Foundation
import KerasFrontend

/// The body of the targets that fuzz whole Keras model files (FuzzKerasH5, FuzzKerasArchive): each input is
/// written as a file with the target's suffix, then loaded and converted as `onnx-convert keras` would, in
/// a contained child (`ContainedFuzzing`).
public enum KerasFileFuzzing {
    // libFuzzer's callback is a C function pointer and cannot capture: the harness is set once, before the
    // driver starts, and only read on libFuzzer's one thread after that.
    nonisolated(unsafe) private static var harness: ContainedFuzzing?

    public static func main(target: String, suffix: String) -> Never {
        harness = ContainedFuzzing(target: target, suffix: suffix)
        // Two variables: one tuple passed twice inout would be an exclusivity violation.
        var argumentCount = CommandLine.argc
        var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues) { start, count in
            KerasFileFuzzing.harness?.run(UnsafeRawBufferPointer(start: start, count: count)) { path in
                _ = try KerasModelFile.load(model: path).convert(options: KerasImportOptions())
            }
            return 0
        })
    }
}
