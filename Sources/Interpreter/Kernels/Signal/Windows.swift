// HannWindow, HammingWindow, BlackmanWindow (17): a window of `size` samples (scalar int input) as a
// 1-D tensor of output_datatype (default float). With N = size (periodic, the default) or size − 1
// (periodic 0, symmetric):
//   Hann      sin²(πn/N)
//   Hamming   α − β·cos(2πn/N), α = 25/46, β = 21/46
//   Blackman  0.42 − 0.5·cos(2πn/N) + 0.08·cos(4πn/N)
// A symmetric window of one sample would divide by zero; it is [1], as PyTorch's windows give.

import Foundation
import ONNX

enum WindowKernels {
    enum Shape: Sendable {
        case hann, hamming, blackman

        func value(_ n: Double, period: Double) -> Double {
            let x = 2 * Double.pi * n / period
            switch self {
            case .hann: return pow(sin(Double.pi * n / period), 2)
            case .hamming: return 25.0 / 46.0 - 21.0 / 46.0 * cos(x)
            case .blackman: return 0.42 - 0.5 * cos(x) + 0.08 * cos(2 * x)
            }
        }
    }

    static let registrations =
        KernelRegistration.versions("HannWindow", [17]) { try make(.hann, $0) }
        + KernelRegistration.versions("HammingWindow", [17]) { try make(.hamming, $0) }
        + KernelRegistration.versions("BlackmanWindow", [17]) { try make(.blackman, $0) }

    static func make(_ shape: Shape, _ node: NodeContext) throws -> any Kernel {
        let type = try SignalSupport.outputType(node)
        let periodic = try node.int("periodic", default: 1) != 0
        return ClosureKernel { inputs, _ in
            let size = try ShapeInputs.scalarInt(inputs, 0, "size")
            guard size >= 0 else { throw KernelError("window size must not be negative, got \(size)") }
            // Computed in Double whatever the output type.
            try ShapeMath.checkedCount([size], elementSize: MemoryLayout<Double>.stride, of: "window size")
            let period = Double(periodic ? size : size - 1)
            let values = period == 0 ? [Double](repeating: 1, count: size) : (0..<size).map { shape.value(Double($0), period: period) }
            return [.tensor(try SignalSupport.tensor(type, shape: [size], values: values))]
        }
    }
}
