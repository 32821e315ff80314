// libFuzzer target: any bytes as a TensorProto .pb file, then as interpreter tensor. Built only by `make fuzz`.
import CLibFuzzer
import Foundation
import Interpreter
import Limits
import TensorIO

func fuzzTensorProto(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    MemoryBudget.$current.withValue(MemoryBudget(bytes: 1 << 30)) {
        guard let tensor = try? TensorProtoFile.decode(data, source: "fuzz.pb") else { return }
        _ = try? TensorValue(tensor)
    }
    return 0
}

// Two variables: one tuple passed twice inout would be an exclusivity violation.
var argumentCount = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues, fuzzTensorProto))
