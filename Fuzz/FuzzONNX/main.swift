// libFuzzer target: any bytes as an ONNX model whose external data lives in a folder holding a copy of
// testdata/onnx/external/weights.data (made once by `make fuzz`, named by FUZZ_EXTERNAL_DIR); the model
// is decoded, checked, and planned by the interpreter (kernels prepared, nothing run: a fuzzed Loop could
// legitimately run for ever). Built only by `make fuzz`.
import CLibFuzzer
import Foundation
import Interpreter
import Limits
import ONNX

private let externalFolder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["FUZZ_EXTERNAL_DIR"] ?? "/nonexistent")

func fuzzONNX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    MemoryBudget.$current.withValue(MemoryBudget(bytes: 1 << 30)) {
        guard let model = try? ModelFile.decode(data, source: "fuzz.onnx", baseDirectory: externalFolder) else { return }
        _ = ModelChecker().check(model)
        _ = ModelSummary(model)
        _ = try? Interpreter(model: model)
    }
    return 0
}

// Two variables: one tuple passed twice inout would be an exclusivity violation.
var argumentCount = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues, fuzzONNX))
