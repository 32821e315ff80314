// Helper shared by LayerNormalization, GroupNormalization and InstanceNormalization (not an op): standardise
// contiguous rows to zero mean and unit variance (population variance plus epsilon).

enum RowNormalization {
    /// Writes (x − mean)/√(var + epsilon) for each of `rows` rows of `length` elements; returns per-row mean
    /// and 1/√(var + epsilon).
    static func standardize<T: ComputeFloat>(_ x: [T], rows: Int, length: Int, epsilon: T) -> (y: [T], mean: [T], invStd: [T]) {
        var y = [T](repeating: 0, count: x.count)
        var means = [T](repeating: 0, count: rows), invs = [T](repeating: 0, count: rows)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                for r in 0..<rows {
                    let base = r * length
                    var sum: T = 0
                    for i in 0..<length { sum += px[base + i] }
                    let mean = sum / T(length)
                    var sq: T = 0
                    for i in 0..<length { let d = px[base + i] - mean; sq += d * d }
                    let inv = 1 / (sq / T(length) + epsilon).squareRoot()
                    for i in 0..<length { py[base + i] = (px[base + i] - mean) * inv }
                    means[r] = mean
                    invs[r] = inv
                }
            }
        }
        return (y, means, invs)
    }
}
