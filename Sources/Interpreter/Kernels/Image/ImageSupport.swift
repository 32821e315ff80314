// Helpers shared by the Image kernels (not an op): running a computation in the floating type of its
// input (Double for double, Float for float/float16/bfloat16), and the per-axis sampler of GridSample
// that DeformConv reuses for its bilinear taps.

import ONNX

/// A computation over one floating input type; `ImageSupport.run` picks the type and wraps the result.
protocol FloatingComputation {
    /// The output shape and its elements, computed in `T`.
    func compute<T: ComputeFloat>(_: T.Type) throws -> (shape: [Int], values: [T])
}

enum ImageSupport {
    /// `job` computed in Double when `dataType` is double, in Float otherwise; the result has `dataType`.
    static func run<Job: FloatingComputation>(_ job: Job, as dataType: DataType) throws -> TensorValue {
        if dataType == .double {
            let (shape, values) = try job.compute(Double.self)
            return Double.tensor(.double, shape: shape, values: values)
        }
        let (shape, values) = try job.compute(Float.self)
        return Float.tensor(dataType, shape: shape, values: values)
    }

    /// The input's elements, after checking it is float, double, float16 or bfloat16.
    static func floating<T: ComputeFloat>(_ tensor: TensorValue, _ op: String, as _: T.Type = T.self) throws -> [T] {
        try ComputeSupport.requireFloating(tensor, op)
        return try T.values(of: tensor)
    }
}

/// The input positions one sample reads along one axis and their weights; index -1 reads a zero.
struct AxisTaps<T: ComputeFloat> {
    var indices: [Int] = []
    var weights: [T] = []
}

/// How GridSample (and DeformConv) read an input at a fractional position: interpolation, what lies
/// outside the input, and where the normalized range [-1, 1] ends (pixel centres or pixel edges).
/// Follows PyTorch's grid_sampler, which the ONNX reference mirrors: nearest rounds half to even, border
/// clamps, reflection folds the position back across the edges (pixel edges without align_corners).
struct GridSampler: Sendable {
    enum Interpolation: Sendable { case nearest, linear, cubic }
    enum Padding: String, Sendable { case zeros, border, reflection }

    let interpolation: Interpolation
    let padding: Padding
    let alignCorners: Bool

    /// The pixel coordinate of normalized `n` on an axis of `size`.
    func pixel<T: ComputeFloat>(_ n: T, size: Int) -> T {
        alignCorners ? (n + 1) / 2 * T(size - 1) : ((n + 1) * T(size) - 1) / 2
    }

    /// The taps of a sample at pixel coordinate `x` on an axis of `size`.
    func taps<T: ComputeFloat>(at x: T, size: Int) -> AxisTaps<T> {
        var taps = AxisTaps<T>()
        guard x.isFinite, size > 0 else {
            taps.indices = [-1]
            taps.weights = [0]
            return taps
        }
        let (lo, hi) = bounds(T.self, size: size)
        var p = interpolation == .nearest ? x.rounded(.toNearestOrEven) : x
        if p < lo || p > hi {
            switch padding {
            case .zeros: break
            case .border: p = min(max(p, 0), T(size - 1))
            case .reflection: p = Self.reflect(p, lo: lo, hi: hi)
            }
        }
        // Far outside, every tap reads padding; keep the integer conversion in range.
        p = min(max(p, -4), T(size + 4))
        switch interpolation {
        case .nearest:
            taps.indices = [resolve(Int(p), size: size)]
            taps.weights = [1]
        case .linear:
            let f = p.rounded(.down), t = p - f, i = Int(f)
            taps.indices = [resolve(i, size: size), resolve(i + 1, size: size)]
            taps.weights = [1 - t, t]
        case .cubic:
            let f = p.rounded(.down), t = p - f, i = Int(f)
            taps.indices = (-1...2).map { resolve(i + $0, size: size) }
            taps.weights = [1 + t, t, 1 - t, 2 - t].map { Self.keys($0) }
        }
        return taps
    }

    /// Σ over the taps of every axis of the weight product times the input element (N-d, axis 0
    /// outermost), as nested 1-D interpolations.
    static func interpolate<T: ComputeFloat>(_ plane: UnsafePointer<T>, strides: [Int], taps: [AxisTaps<T>],
                                             axis: Int = 0, offset: Int = 0) -> T {
        let axisTaps = taps[axis]
        let last = axis + 1 == taps.count
        var sum: T = 0
        for k in 0..<axisTaps.indices.count {
            let i = axisTaps.indices[k]
            guard i >= 0 else { continue }
            let at = offset + i * strides[axis]
            let v = last ? plane[at] : interpolate(plane, strides: strides, taps: taps, axis: axis + 1, offset: at)
            sum += axisTaps.weights[k] * v
        }
        return sum
    }

    /// The range a coordinate may take before padding applies: pixel centres with align_corners,
    /// pixel edges without.
    private func bounds<T: ComputeFloat>(_: T.Type, size: Int) -> (T, T) {
        alignCorners ? (0, T(size - 1)) : (-0.5, T(size) - 0.5)
    }

    /// An input index for tap `i`: -1 (a zero) outside with zeros padding, else clamped or reflected in.
    private func resolve(_ i: Int, size: Int) -> Int {
        if i >= 0 && i < size { return i }
        switch padding {
        case .zeros: return -1
        case .border: return min(max(i, 0), size - 1)
        case .reflection:
            let (lo, hi) = bounds(Double.self, size: size)
            let r = Int(Self.reflect(Double(i), lo: lo, hi: hi).rounded(.towardZero))
            return min(max(r, 0), size - 1)
        }
    }

    /// `x` folded back into [lo, hi] across its edges, as many times as needed.
    static func reflect<T: ComputeFloat>(_ x: T, lo: T, hi: T) -> T {
        let range = hi - lo
        guard range > 0 else { return lo }
        if x < lo {
            let d = lo - x, n = (d / range).rounded(.towardZero), r = d - n * range
            return n.truncatingRemainder(dividingBy: 2) == 0 ? lo + r : hi - r
        }
        if x > hi {
            let d = x - hi, n = (d / range).rounded(.towardZero), r = d - n * range
            return n.truncatingRemainder(dividingBy: 2) == 0 ? hi - r : lo + r
        }
        return x
    }

    /// Keys' cubic convolution weight (a = -0.75, as PyTorch) at distance `d` from the sample.
    static func keys<T: ComputeFloat>(_ d: T) -> T {
        let a: T = -0.75, v = abs(d)
        if v <= 1 { return ((a + 2) * v - (a + 3)) * v * v + 1 }
        if v < 2 { return ((a * v - 5 * a) * v + 8 * a) * v - 4 * a }
        return 0
    }
}
