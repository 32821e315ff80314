import Testing
import ONNX
@testable import Interpreter

private typealias C = ComputeTestSupport

@Suite struct SignalKernelTests {
    @Test func dftForwardInverseAndOnesided() throws {
        // DFT of [1, 2, 3, 4] (radix-2 path): [10, -2+2i, -2, -2-2i].
        let signal = C.floats([4, 1], [1, 2, 3, 4])
        let spectrum = try C.one("DFT", opset: 17, [signal], [C.int("axis", 0)])
        #expect(spectrum.shape == [4, 2] && C.close(spectrum.values(Float.self), [10, 0, -2, 2, -2, 0, -2, -2]))
        // onesided keeps bins 0…2; inverse of the full spectrum gives the signal back.
        let half = try C.one("DFT", opset: 17, [signal], [C.int("axis", 0), C.int("onesided", 1)])
        #expect(half.shape == [3, 2] && C.close(half.values(Float.self), [10, 0, -2, 2, -2, 0]))
        let back = try C.one("DFT", opset: 17, [spectrum], [C.int("axis", 0), C.int("inverse", 1)])
        #expect(C.close(back.values(Float.self), [1, 0, 2, 0, 3, 0, 4, 0]))
        // inverse + onesided rebuilds the Hermitian spectrum: 3 bins give 4 real samples.
        let real = try C.one("DFT", opset: 17, [half], [C.int("axis", 0), C.int("inverse", 1), C.int("onesided", 1)])
        #expect(real.shape == [4, 1] && C.close(real.values(Float.self), [1, 2, 3, 4]))
        // Length 3 (direct sum), axis from input 2 in opset 20: e^{-2πik/3} for a unit impulse at 1.
        let odd = try C.one("DFT", opset: 20, [C.doubles([1, 3, 1], [0, 1, 0]), nil, C.int64s([], [1])])
        let s = 0.75.squareRoot()
        #expect(C.close(odd.values(Double.self), [1, 0, -0.5, -s, -0.5, s]))
        // dft_length zero-pads: an impulse becomes a flat spectrum of 4 bins.
        let padded = try C.one("DFT", opset: 17, [C.floats([1, 1], [1]), C.int64s([], [4])], [C.int("axis", 0)])
        #expect(padded.shape == [4, 2] && C.close(padded.values(Float.self), [1, 0, 1, 0, 1, 0, 1, 0]))
        #expect(throws: KernelError.self) { try C.one("DFT", opset: 17, [signal], [C.int("axis", 1)]) }
        #expect(throws: KernelError.self) { try C.one("DFT", opset: 17, [C.floats([2, 3], [Float](repeating: 0, count: 6))]) }
    }

    @Test func stftFramesAndWindows() throws {
        // Ones of length 4, frames of 2 every 2 samples: two frames, each with spectrum [2, 0].
        let frames = try C.one("STFT", opset: 17, [C.floats([1, 4, 1], [1, 1, 1, 1]), C.int64s([], [2]), nil, C.int64s([], [2])])
        #expect(frames.shape == [1, 2, 2, 2] && C.close(frames.values(Float.self), [2, 0, 0, 0, 2, 0, 0, 0]))
        // A window of the wrong length is refused.
        #expect(throws: KernelError.self) {
            try C.one("STFT", opset: 17, [C.floats([1, 4, 1], [1, 1, 1, 1]), C.int64s([], [2]), C.floats([3], [1, 1, 1]), C.int64s([], [2])])
        }
        let size = C.int64s([], [4])
        #expect(C.close(try C.one("HannWindow", opset: 17, [size]).values(Float.self), [0, 0.5, 1, 0.5]))
        #expect(C.close(try C.one("HannWindow", opset: 17, [C.int64s([], [3])], [C.int("periodic", 0)]).values(Float.self), [0, 1, 0]))
        let hamming = try C.one("HammingWindow", opset: 17, [C.int64s([], [2])], [C.int("output_datatype", 11)])
        #expect(hamming.dataType == .double && C.close(hamming.values(Double.self), [4.0 / 46, 1]))
        let blackman = try C.one("BlackmanWindow", opset: 17, [C.int64s([], [3])], [C.int("periodic", 0)])
        #expect(C.close(blackman.values(Float.self), [0, 1, 0]))
        #expect(throws: KernelError.self) { try C.one("HannWindow", opset: 17, [C.int64s([], [-1])]) }
    }

    @Test func melWeightMatrixTriangles() throws {
        // The ONNX example: 8 bands over a 16-point DFT at 8192 Hz, 0…4096 Hz.
        let inputs = [TensorValue.scalar(Int32(8)), .scalar(Int32(16)), .scalar(Int32(8192)), .scalar(Float(0)), .scalar(Float(4096))]
        let m = try C.one("MelWeightMatrix", opset: 17, inputs)
        #expect(m.shape == [9, 8])
        #expect(m.values(Float.self).map { Array($0[0..<16]) } == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0])
        var bad = inputs
        bad[3] = .scalar(Float(5000))
        #expect(throws: KernelError.self) { try C.one("MelWeightMatrix", opset: 17, bad) }
    }
}
