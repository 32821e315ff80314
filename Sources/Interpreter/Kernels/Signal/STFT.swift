// STFT (17): short-time Fourier transform. signal is [batch, length, 1] (real) or [batch, length, 2]
// (complex); frame f covers samples f·frame_step ..< f·frame_step + frame_length, multiplied by the
// optional window, and is transformed with a DFT of frame_length (FourierPlan). frame_length defaults to
// the window's length (or, with neither, the signal's). The output is [batch, frames, bins, 2] with
// frames = 1 + (length − frame_length) / frame_step and bins frame_length/2 + 1 when onesided (the
// default, meant for real signals), frame_length otherwise.

import ONNX

enum STFTKernels {
    static let registrations = KernelRegistration.versions("STFT", [17]) { node in
        STFTKernel(onesided: try node.int("onesided", default: 1) != 0)
    }
}

struct STFTKernel: Kernel {
    let onesided: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let signal = try ComputeInputs(inputs, op: "STFT").tensor(0, "signal")
        try ComputeSupport.requireFloating(signal, "STFT")
        guard signal.rank == 3, signal.shape[2] == 1 || signal.shape[2] == 2 else {
            throw KernelError("STFT: signal must be [batch, length, 1 or 2], got \(signal.shape)")
        }
        let step = try ShapeInputs.scalarInt(inputs, 1, "frame_step")
        let window = try ShapeInputs.optionalTensor(inputs, 2, "window").map { try Double.values(of: $0) }
        let frameInput: Int? = try ShapeInputs.optionalTensor(inputs, 3, "frame_length") == nil
            ? nil : ShapeInputs.scalarInt(inputs, 3, "frame_length")
        let frame = frameInput ?? window?.count ?? signal.shape[1]
        if let window, window.count != frame {
            throw KernelError("STFT: window has \(window.count) values for frame_length \(frame)")
        }
        guard step >= 1, frame >= 1, frame <= signal.shape[1] else {
            throw KernelError("STFT: frame_step \(step) and frame_length \(frame) must be positive, the frame no longer than the signal (\(signal.shape[1]))")
        }
        return [.tensor(try transform(signal, step: step, frame: frame, window: window))]
    }

    private func transform(_ signal: TensorValue, step: Int, frame: Int, window: [Double]?) throws -> TensorValue {
        let v = try Double.values(of: signal)
        let (batches, length, parts) = (signal.shape[0], signal.shape[1], signal.shape[2])
        let frames = 1 + (length - frame) / step, bins = onesided ? frame / 2 + 1 : frame
        let plan = FourierPlan(length: frame)
        var outRe = [Double](repeating: 0, count: batches * frames * bins), outIm = outRe
        var re = [Double](repeating: 0, count: frame), im = re
        for b in 0..<batches {
            for f in 0..<frames {
                for j in 0..<frame {
                    let at = (b * length + f * step + j) * parts, weight = window?[j] ?? 1
                    re[j] = v[at] * weight
                    im[j] = parts == 2 ? v[at + 1] * weight : 0
                }
                plan.transform(&re, &im, inverse: false)
                let base = (b * frames + f) * bins
                for k in 0..<bins {
                    outRe[base + k] = re[k]
                    outIm[base + k] = im[k]
                }
            }
        }
        return try SignalSupport.complexTensor(like: signal.dataType, shape: [batches, frames, bins], re: outRe, im: outIm)
    }
}
