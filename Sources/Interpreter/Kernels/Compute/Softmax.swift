// Softmax, LogSoftmax, Hardmax (1, 11, 13). Before 13 the input is coerced to 2-D at `axis` (default 1):
// the op runs over all axes from `axis` on, flattened. From 13 it runs along the single axis `axis`
// (default −1). 11 allows negative axes. Softmax subtracts the maximum first; Hardmax marks the first
// maximum with 1.
//
// float16 and bfloat16 Softmax rounds each step to the input type, as onnx's reference implementation
// does (numpy arithmetic in that type): x − max, exp, the row sum, the quotient. The row sum adds in
// float32 for float16 (numpy's half reductions accumulate in float) and in bfloat16 for bfloat16
// (ml_dtypes' do not). One rounding at the end would be closer to the exact value, but the node suite's
// half-precision Attention cases expect these steps, 1 ulp apart in 14 of 192 elements.

import Foundation
import ONNX

enum SoftmaxKernels {
    static let registrations: [KernelRegistration] =
        family("Softmax", .softmax) + family("LogSoftmax", .logSoftmax) + family("Hardmax", .hardmax)

    private static func family(_ name: String, _ kind: SoftmaxKernel.Kind) -> [KernelRegistration] {
        KernelRegistration.versions(name, [1, 11, 13]) { node in
            let singleAxis = node.opset >= 13
            return SoftmaxKernel(name: name, kind: kind, axis: try node.int("axis", default: singleAxis ? -1 : 1),
                                 singleAxis: singleAxis)
        }
    }
}

struct SoftmaxKernel: Kernel {
    enum Kind: Sendable { case softmax, logSoftmax, hardmax }

    let name: String
    let kind: Kind
    let axis: Int
    let singleAxis: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ComputeInputs(inputs, op: name).tensor(0, "input")
        try ComputeSupport.requireFloating(x, name)
        if x.rank == 0 {
            // A scalar is one row of one element.
            if x.dataType == .double { return [.tensor(Double.tensor(.double, shape: [], values: apply(try Double.values(of: x), 1, 1, 1)))] }
            return [.tensor(Float.tensor(x.dataType, shape: [], values: apply(try Float.values(of: x), 1, 1, 1)))]
        }
        let a = try ComputeSupport.normalizeAxis(axis, rank: x.rank, name)
        let outer = x.shape[..<a].reduce(1, *)
        let length = singleAxis ? x.shape[a] : x.shape[a...].reduce(1, *)
        let inner = singleAxis ? x.shape[(a + 1)...].reduce(1, *) : 1
        if x.dataType == .double {
            return [.tensor(Double.tensor(.double, shape: x.shape, values: apply(try Double.values(of: x), outer, length, inner)))]
        }
        if kind == .softmax, let steps = HalfSoftmaxSteps(x.dataType) {
            let y = steps.apply(try Float.values(of: x), outer: outer, length: length, inner: inner)
            return [.tensor(Float.tensor(x.dataType, shape: x.shape, values: y))]
        }
        return [.tensor(Float.tensor(x.dataType, shape: x.shape, values: apply(try Float.values(of: x), outer, length, inner)))]
    }

    private func apply<T: ComputeFloat>(_ x: [T], _ outer: Int, _ length: Int, _ inner: Int) -> [T] {
        var y = [T](repeating: 0, count: x.count)
        guard length > 0 else { return y }
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                // Rows are independent; exp makes each element worth several cheap operations.
                Parallel.forChunks(outer, cost: length * inner * 4) { rows in
                    for o in rows {
                        for i in 0..<inner { lane(px, py, base: o * length * inner + i, length: length, step: inner) }
                    }
                }
            }
        }
        return y
    }

    /// One softmax lane: `length` elements `step` apart from `base`.
    @inline(__always)
    private func lane<T: ComputeFloat>(_ px: UnsafeBufferPointer<T>, _ py: UnsafeMutableBufferPointer<T>,
                                       base: Int, length: Int, step: Int) {
        var peak = px[base], at = 0
        for k in 1..<length where px[base + k * step] > peak { peak = px[base + k * step]; at = k }
        switch kind {
        case .hardmax:
            py[base + at * step] = 1
        case .softmax:
            var sum: T = 0
            for k in 0..<length { let e = T.exp(px[base + k * step] - peak); py[base + k * step] = e; sum += e }
            let inv = 1 / sum
            for k in 0..<length { py[base + k * step] *= inv }
        case .logSoftmax:
            var sum: T = 0
            for k in 0..<length { sum += T.exp(px[base + k * step] - peak) }
            let shift = peak + T.log(sum)
            for k in 0..<length { py[base + k * step] = px[base + k * step] - shift }
        }
    }
}

/// Softmax over float16 or bfloat16 values (held as Float), each step rounded to that type.
struct HalfSoftmaxSteps {
    let round: @Sendable (Float) -> Float
    /// Whether the row sum rounds after every addition (bfloat16) or once at the end (float16).
    let roundsEachAddition: Bool

    init?(_ dataType: DataType) {
        switch dataType {
        case .float16:
            round = { HalfPrecision.float16ToFloat(HalfPrecision.floatToFloat16($0)) }
            roundsEachAddition = false
        case .bfloat16:
            round = { HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBFloat16($0)) }
            roundsEachAddition = true
        default:
            return nil
        }
    }

    func apply(_ x: [Float], outer: Int, length: Int, inner: Int) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        guard length > 0 else { return y }
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var peak = x[base]
                for k in 1..<length { peak = max(peak, x[base + k * inner]) }
                var sum: Float = 0
                for k in 0..<length {
                    let e = round(Foundation.exp(round(x[base + k * inner] - peak)))
                    y[base + k * inner] = e
                    sum = roundsEachAddition ? round(sum + e) : sum + e
                }
                let total = round(sum)
                for k in 0..<length { y[base + k * inner] = round(y[base + k * inner] / total) }
            }
        }
        return y
    }
}
