// Helpers shared by LayerNormalization, GroupNormalization, InstanceNormalization and RMSNormalization (not
// an op): standardise contiguous rows to zero mean and unit variance (population variance plus epsilon), and
// broadcast a scale or bias to the normalised shape.

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

    /// `values` of `shape` broadcast (unidirectionally) to `target`, flattened; `name` is the input.
    static func broadcast<T>(_ values: [T], _ shape: [Int], to target: [Int], _ op: String, _ name: String) throws -> [T] {
        let count = target.reduce(1, *)
        if values.count == count && shape.count <= target.count { return values }
        guard (try? Broadcast.shape([shape, target])) == target else {
            throw KernelError("\(op): \(name) of shape \(shape) does not broadcast to \(target)")
        }
        let offsets = Broadcast.offsets(of: shape, broadcastTo: target)
        return offsets.map { values[$0] }
    }
}
