// DFT (17, 20): the discrete Fourier transform of a real (last axis 1) or complex (last axis 2: real,
// imaginary) signal along one axis, zero-padded or truncated to dft_length (default: the axis size).
// The output is complex (last axis 2) and forward only keeps bins 0…L/2 when onesided. inverse divides by
// L; inverse with onesided takes the bins 0…L/2 of a Hermitian spectrum (default L = 2·(bins − 1)) and
// gives the real signal (last axis 1), as numpy's irfft.
// 17 reads `axis` as an attribute (default 1); 20 as an optional int64 input (default -2), counting the
// complex axis in the rank either way, so the valid range is [-r, -2] ∪ [0, r-2]. Computed in Double
// (FourierPlan) and rounded to the input's type once.

import ONNX

enum DFTKernels {
    static let registrations = KernelRegistration.versions("DFT", [17, 20]) { node in
        DFTKernel(inverse: try node.int("inverse", default: 0) != 0, onesided: try node.int("onesided", default: 0) != 0,
                  axisAttribute: node.opset < 20 ? try node.int("axis", default: 1) : nil)
    }
}

struct DFTKernel: Kernel {
    let inverse: Bool
    let onesided: Bool
    /// The axis of version 17; nil when it comes from input 2.
    let axisAttribute: Int?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ComputeInputs(inputs, op: "DFT").tensor(0, "input")
        try ComputeSupport.requireFloating(x, "DFT")
        guard x.rank >= 2, let parts = x.shape.last, parts == 1 || parts == 2 else {
            throw KernelError("DFT: input must be [..., 1] (real) or [..., 2] (complex), got \(x.shape)")
        }
        let length: Int? = try ShapeInputs.optionalTensor(inputs, 1, "dft_length") == nil
            ? nil : ShapeInputs.scalarInt(inputs, 1, "dft_length")
        var axis = axisAttribute ?? -2
        if axisAttribute == nil, try ShapeInputs.optionalTensor(inputs, 2, "axis") != nil {
            axis = try ShapeInputs.scalarInt(inputs, 2, "axis")
        }
        let a = axis < 0 ? axis + x.rank : axis
        guard a >= 0, a <= x.rank - 2 else { throw KernelError("DFT: axis \(axis) is out of range for rank \(x.rank)") }
        return [.tensor(try transform(x, axis: a, length: length))]
    }

    private func transform(_ x: TensorValue, axis a: Int, length: Int?) throws -> TensorValue {
        let v = try Double.values(of: x)
        let parts = x.shape[x.rank - 1]
        var dims = Array(x.shape.dropLast())
        let count = dims[a]
        let realOutput = inverse && onesided
        let L = length ?? (realOutput ? 2 * (count - 1) : count)
        guard L >= 1 else { throw KernelError("DFT: dft_length must be positive, got \(L)") }
        let outLength = onesided && !inverse ? L / 2 + 1 : L
        // dft_length is data: the plan (a few Doubles per point) and the output grow with it.
        try ShapeMath.checkedCount([L, 4], elementSize: MemoryLayout<Double>.stride, of: "DFT dft_length")
        var outDims = dims
        outDims[a] = outLength
        try ShapeMath.checkedCount(outDims + [2], elementSize: MemoryLayout<Double>.stride, of: "DFT output")
        let outer = try ShapeMath.checkedCount(Array(dims[..<a])), inner = try ShapeMath.checkedCount(Array(dims[(a + 1)...]))
        let plan = FourierPlan(length: L), scale = inverse ? 1 / Double(L) : 1
        var outRe = [Double](repeating: 0, count: outer * outLength * inner), outIm = outRe
        var re = [Double](repeating: 0, count: L), im = re
        for o in 0..<outer {
            for i in 0..<inner {
                for k in 0..<L { re[k] = 0; im[k] = 0 }
                // Bins (or samples) read from the input: a Hermitian half, or up to L.
                let taken = min(count, realOutput ? L / 2 + 1 : L)
                for j in 0..<taken {
                    let at = ((o * count + j) * inner + i) * parts
                    re[j] = v[at]
                    im[j] = parts == 2 ? v[at + 1] : 0
                }
                if realOutput {
                    for k in 1..<max(taken, 1) where L - k != k {
                        re[L - k] = re[k]
                        im[L - k] = -im[k]
                    }
                }
                plan.transform(&re, &im, inverse: inverse)
                for k in 0..<outLength {
                    outRe[(o * outLength + k) * inner + i] = re[k] * scale
                    outIm[(o * outLength + k) * inner + i] = im[k] * scale
                }
            }
        }
        dims[a] = outLength
        if realOutput { return try SignalSupport.tensor(x.dataType, shape: dims + [1], values: outRe) }
        return try SignalSupport.complexTensor(like: x.dataType, shape: dims, re: outRe, im: outIm)
    }
}
