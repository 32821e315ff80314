// Helpers shared by the Signal kernels (not an op): the discrete Fourier transform of one complex
// sequence (radix-2 FFT for power-of-two lengths, the direct O(n²) sum otherwise, both accumulating in
// Double from a table of exact twiddles), scalar inputs, and results in a requested data type.

import Foundation
import ONNX

/// The DFT of a fixed length: X[k] = Σⱼ x[j]·e^(∓2πi·jk/n), minus sign forward, plus inverse (unscaled).
struct FourierPlan {
    let length: Int
    /// cos and sin of 2πk/n for k in 0..<n.
    private let cosines: [Double]
    private let sines: [Double]

    init(length: Int) {
        self.length = length
        cosines = (0..<length).map { cos(2 * Double.pi * Double($0) / Double(length)) }
        sines = (0..<length).map { sin(2 * Double.pi * Double($0) / Double(length)) }
    }

    private var isPowerOfTwo: Bool { length > 0 && length & (length - 1) == 0 }

    /// Transforms (re, im), both of `length` elements, in place.
    func transform(_ re: inout [Double], _ im: inout [Double], inverse: Bool) {
        guard length > 1 else { return }
        if isPowerOfTwo { radix2(&re, &im, inverse: inverse) } else { direct(&re, &im, inverse: inverse) }
    }

    private func direct(_ re: inout [Double], _ im: inout [Double], inverse: Bool) {
        let n = length, sign: Double = inverse ? 1 : -1
        var outRe = [Double](repeating: 0, count: n), outIm = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var sr = 0.0, si = 0.0, t = 0
            for j in 0..<n {
                let c = cosines[t], s = sign * sines[t]
                sr += re[j] * c - im[j] * s
                si += re[j] * s + im[j] * c
                t += k
                if t >= n { t -= n }
            }
            outRe[k] = sr
            outIm[k] = si
        }
        re = outRe
        im = outIm
    }

    /// Iterative Cooley–Tukey: bit-reversed order, then butterflies of doubling span.
    private func radix2(_ re: inout [Double], _ im: inout [Double], inverse: Bool) {
        let n = length, sign: Double = inverse ? 1 : -1
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var span = 2
        while span <= n {
            let half = span / 2, step = n / span
            for start in stride(from: 0, to: n, by: span) {
                for k in 0..<half {
                    let c = cosines[k * step], s = sign * sines[k * step]
                    let a = start + k, b = a + half
                    let tr = re[b] * c - im[b] * s, ti = re[b] * s + im[b] * c
                    re[b] = re[a] - tr
                    im[b] = im[a] - ti
                    re[a] += tr
                    im[a] += ti
                }
            }
            span *= 2
        }
    }
}

enum SignalSupport {
    /// A scalar (or one-element) numeric input as Double.
    static func scalarReal(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> Double {
        let t = try ShapeInputs.tensor(inputs, index, name)
        guard let v = t.doubles(), v.count == 1, let first = v.first else {
            throw KernelError("input '\(name)' must hold one number, got \(t.count) of \(t.dataType)")
        }
        return first
    }

    /// The `output_datatype` attribute (default float), which must name a real numeric type.
    static func outputType(_ node: NodeContext) throws -> DataType {
        let code = try node.int("output_datatype", default: 1)
        guard let type = DataType(rawValue: Int32(clamping: code)), type.isComputeFloating || ComputeSupport.isInteger(type) else {
            throw KernelError("output_datatype \(code) is not a real numeric type")
        }
        return type
    }

    /// Double results as a tensor of `dataType` (numpy astype rules: integers truncate).
    static func tensor(_ dataType: DataType, shape: [Int], values: [Double]) throws -> TensorValue {
        let wide = TensorValue(dataType: .double, shape: shape, storage: .double(values))
        return try CastConversion.cast(wide, to: dataType, saturate: true, roundMode: "up")
    }

    /// Complex (re, im) results, interleaved along a last axis of 2, in the floating type of `like`.
    static func complexTensor(like dataType: DataType, shape: [Int], re: [Double], im: [Double]) throws -> TensorValue {
        var values = [Double](repeating: 0, count: re.count * 2)
        for i in 0..<re.count {
            values[2 * i] = re[i]
            values[2 * i + 1] = im[i]
        }
        return try tensor(dataType, shape: shape + [2], values: values)
    }
}
