/// Element counts and byte sizes computed from numbers that a file declares.
///
/// Every dimension, count or size read from a model, a weights file or a tensor file was written by
/// someone we do not trust: `dims.reduce(1, *)` traps on overflow, and a negative dimension turns an
/// allocation into a crash. These helpers return a typed error instead, so a reader can say which
/// tensor or layer carried the bad number.
public enum ShapeArithmetic {
    /// The product of `dims`, or nil when a dimension is negative or the product does not fit in an Int.
    /// A zero dimension makes the product 0 even when the others would overflow, as NumPy counts it.
    public static func product<S: Sequence>(_ dims: S) -> Int? where S.Element == Int {
        var result = 1
        var overflowed = false
        for dim in dims {
            guard dim >= 0 else { return nil }
            if dim == 0 { return 0 }
            if overflowed { continue }
            let (next, overflow) = result.multipliedReportingOverflow(by: dim)
            if overflow { overflowed = true } else { result = next }
        }
        return overflowed ? nil : result
    }

    /// The number of elements of `shape`, or an error naming `subject` and the shape as it was declared.
    public static func elementCount(_ shape: [Int], of subject: String) throws(SizeError) -> Int {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw SizeError(subject: subject, problem: "dimension \(negative) in shape \(shape) is negative")
        }
        guard let count = product(shape) else {
            throw SizeError(subject: subject, problem: "shape \(shape) has more elements than an Int can count")
        }
        return count
    }

    /// `count × elementSize` bytes, or an error when the product overflows.
    public static func byteCount(elements count: Int, elementSize: Int, of subject: String) throws(SizeError) -> Int {
        guard count >= 0, elementSize >= 0 else {
            throw SizeError(subject: subject, problem: "negative size (\(count) elements of \(elementSize) bytes)")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else {
            throw SizeError(subject: subject, problem: "\(count) elements of \(elementSize) bytes overflow an Int")
        }
        return bytes
    }

    /// `a + b` for sizes and offsets, or an error when it overflows.
    public static func sum(_ a: Int, _ b: Int, of subject: String) throws(SizeError) -> Int {
        let (total, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw SizeError(subject: subject, problem: "size \(a) + \(b) overflows an Int") }
        return total
    }
}
