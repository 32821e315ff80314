import Interpreter
import ONNX

/// How close two values must be: |actual − expected| ≤ atol + rtol · |expected|, elementwise (numpy's
/// `allclose`, NaN equal to NaN). Defaults are those of onnx's backend test runner.
public struct Tolerance: Sendable, Equatable {
    public var rtol: Double
    public var atol: Double

    public init(rtol: Double = 1e-3, atol: Double = 1e-7) {
        self.rtol = rtol
        self.atol = atol
    }
}

/// The outcome of comparing one value with its reference.
public struct Comparison: Sendable, Equatable {
    public var matches: Bool
    /// Largest |actual − expected| over numeric elements (0 for exact types).
    public var maxAbsoluteError: Double
    /// Why they differ, one line; nil when they match.
    public var mismatch: String?

    static func mismatch(_ reason: String) -> Comparison {
        Comparison(matches: false, maxAbsoluteError: .infinity, mismatch: reason)
    }
}

public enum ValueComparison {
    /// max |actual − expected| / max |expected|: the converters' parity figure, one number per output that
    /// does not depend on the output's scale. nil when the values are not numeric tensors of one size.
    /// NaN matches NaN and an infinity itself; one where the other has a number is an infinite error, so a
    /// NaN output can never pass (`max()` over a list with NaN in it would have ignored it).
    public static func scaledError(_ actual: TensorValue, _ expected: TensorValue) -> Double? {
        guard let ours = actual.doubles(), let theirs = expected.doubles(), ours.count == theirs.count else { return nil }
        var scale = 0.0, worst = 0.0
        for (x, y) in zip(ours, theirs) {
            if y.isFinite { scale = max(scale, abs(y)) }
            if x == y || (x.isNaN && y.isNaN) { continue }
            let difference = abs(x - y)
            worst = difference.isFinite ? max(worst, difference) : .infinity
        }
        return worst / max(scale, 1e-12)
    }

    public static func compare(_ actual: RuntimeValue, _ expected: RuntimeValue, tolerance: Tolerance = Tolerance()) -> Comparison {
        switch (actual, expected) {
        case (.tensor(let a), .tensor(let e)):
            return compare(a, e, tolerance: tolerance)
        case (.sequence(let a), .sequence(let e)):
            guard a.count == e.count else { return .mismatch("sequence of \(a.count), expected \(e.count)") }
            var worst = Comparison(matches: true, maxAbsoluteError: 0, mismatch: nil)
            for (i, (x, y)) in zip(a, e).enumerated() {
                let c = compare(x, y, tolerance: tolerance)
                if !c.matches { return .mismatch("sequence item \(i): \(c.mismatch ?? "differs")") }
                worst.maxAbsoluteError = max(worst.maxAbsoluteError, c.maxAbsoluteError)
            }
            return worst
        case (.optional(let a), .optional(let e)):
            switch (a, e) {
            case (nil, nil): return Comparison(matches: true, maxAbsoluteError: 0, mismatch: nil)
            case (let x?, let y?): return compare(x, y, tolerance: tolerance)
            default: return .mismatch(a == nil ? "empty optional, expected a value" : "a value, expected an empty optional")
            }
        case (.optional(let a?), let e), (let a, .optional(let e?)):
            return compare(a, e, tolerance: tolerance)
        default:
            return .mismatch("got \(actual.kindDescription), expected \(expected.kindDescription)")
        }
    }

    public static func compare(_ actual: TensorValue, _ expected: TensorValue, tolerance: Tolerance = Tolerance()) -> Comparison {
        guard actual.dataType == expected.dataType else {
            return .mismatch("type \(actual.dataType), expected \(expected.dataType)")
        }
        guard actual.shape == expected.shape else {
            return .mismatch("shape \(actual.shape), expected \(expected.shape)")
        }
        switch (actual.storage, expected.storage) {
        case (.string(let a), .string(let e)):
            return exact(a == e, first: firstDifference(a, e))
        case (.bytes(let a), .bytes(let e)):
            return exact(a == e, first: firstDifference(a, e))
        case (.bool(let a), .bool(let e)):
            return exact(a == e, first: firstDifference(a, e))
        default:
            break
        }
        if actual.dataType.isFloatingPoint, let a = actual.doubles(), let e = expected.doubles() {
            return close(a, e, tolerance: tolerance)
        }
        if let a = actual.int64s(), let e = expected.int64s() {
            // Integers compare with the same tolerance as numpy's allclose would (usually exact).
            return close(a.map { Double($0) }, e.map { Double($0) }, tolerance: tolerance)
        }
        return exact(actual.storage == expected.storage, first: nil)
    }

    private static func firstDifference<T: Equatable>(_ a: [T], _ e: [T]) -> Int? {
        zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    }

    private static func exact(_ equal: Bool, first: Int?) -> Comparison {
        equal ? Comparison(matches: true, maxAbsoluteError: 0, mismatch: nil)
            : .mismatch("values differ" + (first.map { " first at element \($0)" } ?? ""))
    }

    private static func close(_ a: [Double], _ e: [Double], tolerance: Tolerance) -> Comparison {
        var maxError = 0.0
        var firstBad: Int?
        var bad = 0
        for i in 0..<min(a.count, e.count) {
            let x = a[i], y = e[i]
            if x.isNaN && y.isNaN { continue }
            if x == y { continue }
            let error = abs(x - y)
            // Infinities match only themselves (as in numpy's isclose), whatever the tolerance.
            if error.isNaN || x.isInfinite || y.isInfinite || error > tolerance.atol + tolerance.rtol * abs(y) {
                bad += 1
                if firstBad == nil { firstBad = i }
            }
            if !error.isNaN { maxError = max(maxError, error) } else { maxError = .infinity }
        }
        guard let i = firstBad else { return Comparison(matches: true, maxAbsoluteError: maxError, mismatch: nil) }
        return Comparison(
            matches: false, maxAbsoluteError: maxError,
            mismatch: "\(bad) of \(a.count) elements differ; first at \(i): \(a[i]) vs expected \(e[i]); max |error| \(maxError)")
    }
}
