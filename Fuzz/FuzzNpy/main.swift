// libFuzzer target: any bytes as an .npy file. Built only by `make fuzz` (ONNX_CONVERT_FUZZ=1).
import CLibFuzzer
import Foundation
import Limits
import NumPy

func fuzzNpy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    MemoryBudget.$current.withValue(MemoryBudget(bytes: 1 << 30)) {
        _ = try? NpyFile.decode(data, source: "fuzz.npy")
    }
    return 0
}

// Two variables: one tuple passed twice inout would be an exclusivity violation.
var argumentCount = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues, fuzzNpy))
