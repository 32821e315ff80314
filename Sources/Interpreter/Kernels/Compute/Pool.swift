// MaxPool (1, 8, 10, 11, 12, 22), AveragePool (1, 7, 10, 11, 19, 22), LpPool (1, 2, 11, 18, 22): sliding
// windows over the spatial axes of N×C×D….
// Version differences, all covered by reading attributes that older versions simply lack:
//   MaxPool 8 adds the Indices output and storage_order, 10 ceil_mode and dilations, 12 int8/uint8.
//   AveragePool 7 adds count_include_pad, 10 ceil_mode, 19 dilations.
//   LpPool 1 has `p` as a FLOAT attribute, 2+ as INT; 18 adds ceil_mode and dilations.
// Output sizes follow the ONNX reference (ceil_mode drops a last window that would start in the end
// padding). Padding never contributes a value; AveragePool with count_include_pad divides by the taps that
// fall in the input or its explicit pads. MaxPool Indices are flat offsets into X (row-major, or
// column-major over the spatial axes for storage_order 1); the first maximum wins.

import ONNX

enum PoolKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("MaxPool", [1, 8, 10, 11, 12, 22]) { node in
            PoolKernel(kind: .max, spatial: try SpatialAttributes(node),
                       ceilMode: try node.int("ceil_mode", default: 0) != 0,
                       storageOrder: try node.int("storage_order", default: 0),
                       wantsIndices: node.node.outputs.count > 1 && !node.node.outputs[1].isEmpty)
        }
        + KernelRegistration.versions("AveragePool", [1, 7, 10, 11, 19, 22]) { node in
            PoolKernel(kind: .average(countIncludePad: try node.int("count_include_pad", default: 0) != 0),
                       spatial: try SpatialAttributes(node),
                       ceilMode: try node.int("ceil_mode", default: 0) != 0)
        }
        + [KernelRegistration("LpPool", since: 1) { node in
            PoolKernel(kind: .lp(p: try node.float("p", default: 2)), spatial: try SpatialAttributes(node), ceilMode: false)
        }]
        + KernelRegistration.versions("LpPool", [2, 11, 18, 22]) { node in
            PoolKernel(kind: .lp(p: Float(try node.int("p", default: 2))), spatial: try SpatialAttributes(node),
                       ceilMode: try node.int("ceil_mode", default: 0) != 0)
        }
}

/// For every output position of one plane, the input offsets its window covers.
struct PoolWindows {
    /// Offsets into the plane, window after window.
    var offsets: [Int] = []
    /// Column-major (storage_order 1) offsets, parallel to `offsets`, when asked for.
    var columnMajor: [Int] = []
    /// Window `o` is offsets[start[o]..<start[o+1]].
    var start: [Int] = [0]
    /// Taps inside the input or its explicit pads, per window (AveragePool count_include_pad).
    var padded: [Int] = []

    init(_ g: SpatialGeometry, padEnd: [Int], columnMajor wantColumnMajor: Bool) {
        let r = g.rank
        let rowStrides = ComputeSupport.strides(g.input)
        var colStrides = [Int](repeating: 1, count: r)
        var step = 1
        for d in 0..<r { colStrides[d] = step; step *= g.input[d] }
        // Per axis, flattened: for output index o, the valid input indices are
        // axisIndex[d][axisStart[d][o]..<axisStart[d][o+1]]; axisPadded counts taps in the padded range.
        var axisIndex: [[Int]] = [], axisStart: [[Int]] = [], axisPadded: [[Int]] = []
        for d in 0..<r {
            var indices: [Int] = [], starts = [0], counts: [Int] = []
            for o in 0..<g.output[d] {
                var count = 0
                for k in 0..<g.kernel[d] {
                    let i = o * g.strides[d] - g.padBegin[d] + k * g.dilations[d]
                    if i >= 0 && i < g.input[d] { indices.append(i) }
                    if i >= -g.padBegin[d] && i < g.input[d] + padEnd[d] { count += 1 }
                }
                starts.append(indices.count)
                counts.append(count)
            }
            axisIndex.append(indices)
            axisStart.append(starts)
            axisPadded.append(counts)
        }
        let total = g.outputSize
        start.reserveCapacity(total + 1)
        padded.reserveCapacity(total)
        var index = [Int](repeating: 0, count: r)
        var lo = [Int](repeating: 0, count: r), hi = [Int](repeating: 0, count: r), pick = [Int](repeating: 0, count: r)
        for _ in 0..<total {
            var count = 1, empty = false
            for d in 0..<r {
                count *= axisPadded[d][index[d]]
                lo[d] = axisStart[d][index[d]]
                hi[d] = axisStart[d][index[d] + 1]
                if lo[d] == hi[d] { empty = true }
                pick[d] = lo[d]
            }
            padded.append(count)
            // The Cartesian product of the per-axis index ranges, last axis fastest.
            if !empty {
                outer: while true {
                    var off = 0, col = 0
                    for d in 0..<r {
                        let i = axisIndex[d][pick[d]]
                        off += i * rowStrides[d]
                        col += i * colStrides[d]
                    }
                    offsets.append(off)
                    if wantColumnMajor { columnMajor.append(col) }
                    var d = r - 1
                    while d >= 0 {
                        pick[d] += 1
                        if pick[d] < hi[d] { continue outer }
                        pick[d] = lo[d]
                        d -= 1
                    }
                    break
                }
            }
            start.append(offsets.count)
            var d = r - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < g.output[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }
}

struct PoolKernel: Kernel {
    enum Kind: Sendable {
        case max
        case average(countIncludePad: Bool)
        case lp(p: Float)
    }

    let kind: Kind
    let spatial: SpatialAttributes
    let ceilMode: Bool
    var storageOrder: Int = 0
    /// MaxPool only: whether the node asks for the Indices output.
    var wantsIndices = false

    private var name: String {
        switch kind {
        case .max: return "MaxPool"
        case .average: return "AveragePool"
        case .lp: return "LpPool"
        }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ComputeInputs(inputs, op: name).tensor(0, "X")
        guard x.rank >= 3 else { throw KernelError("\(name): X must be N×C×D1…, got \(x.shape)") }
        let g = try SpatialGeometry.pool(input: Array(x.shape[2...]), spatial, ceilMode: ceilMode)
        let padEnd: [Int]
        if spatial.autoPad == .notSet {
            padEnd = try spatial.explicitPads(rank: g.rank).end
        } else {
            padEnd = (0..<g.rank).map { (g.output[$0] - 1) * g.strides[$0] + (g.kernel[$0] - 1) * g.dilations[$0] + 1 - g.input[$0] - g.padBegin[$0] }
        }
        let windows = PoolWindows(g, padEnd: padEnd, columnMajor: storageOrder == 1)
        let planes = x.shape[0] * x.shape[1]
        let shape = Array(x.shape[0..<2]) + g.output
        try ShapeMath.checkedCount(shape, of: x.dataType)
        switch kind {
        case .max:
            let indices: [Int64]
            let y: TensorValue
            switch x.storage {
            case .float(let v):
                let r = maxPool(v, planes: planes, planeSize: g.inputSize, windows)
                (y, indices) = (TensorValue(shape: shape, values: r.0), r.1)
            case .double(let v):
                let r = maxPool(v, planes: planes, planeSize: g.inputSize, windows)
                (y, indices) = (TensorValue(shape: shape, values: r.0), r.1)
            case .half:
                let r = maxPool(try Float.values(of: x), planes: planes, planeSize: g.inputSize, windows)
                (y, indices) = (Float.tensor(x.dataType, shape: shape, values: r.0), r.1)
            case .int8(let v):
                let r = maxPool(v, planes: planes, planeSize: g.inputSize, windows)
                (y, indices) = (TensorValue(shape: shape, values: r.0), r.1)
            case .uint8(let v):
                let r = maxPool(v, planes: planes, planeSize: g.inputSize, windows)
                (y, indices) = (TensorValue(shape: shape, values: r.0), r.1)
            default:
                throw KernelError("MaxPool does not support element type \(x.dataType)")
            }
            return [.tensor(y), wantsIndices ? .tensor(TensorValue(shape: shape, values: indices)) : nil]
        case .average(let includePad):
            try ComputeSupport.requireFloating(x, name)
            if x.dataType == .double {
                let v = try average(try Double.values(of: x), planes: planes, planeSize: g.inputSize, windows, includePad)
                return [.tensor(Double.tensor(.double, shape: shape, values: v))]
            }
            let v = try average(try Float.values(of: x), planes: planes, planeSize: g.inputSize, windows, includePad)
            return [.tensor(Float.tensor(x.dataType, shape: shape, values: v))]
        case .lp(let p):
            try ComputeSupport.requireFloating(x, name)
            if x.dataType == .double {
                let v = lp(try Double.values(of: x), planes: planes, planeSize: g.inputSize, windows, p: Double(p))
                return [.tensor(Double.tensor(.double, shape: shape, values: v))]
            }
            let v = lp(try Float.values(of: x), planes: planes, planeSize: g.inputSize, windows, p: p)
            return [.tensor(Float.tensor(x.dataType, shape: shape, values: v))]
        }
    }

    private func maxPool<T: Comparable & Numeric>(_ x: [T], planes: Int, planeSize: Int,
                                                  _ w: PoolWindows) -> ([T], [Int64]) {
        let outSize = w.start.count - 1
        var y = [T](repeating: 0, count: planes * outSize)
        let wantsIndices = self.wantsIndices
        var indices = [Int64](repeating: -1, count: wantsIndices ? planes * outSize : 0)
        let columnMajor = storageOrder == 1
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                indices.withUnsafeMutableBufferPointer { pi in
                    w.offsets.withUnsafeBufferPointer { offs in
                        for plane in 0..<planes {
                            let base = plane * planeSize
                            for o in 0..<outSize {
                                let lo = w.start[o], hi = w.start[o + 1]
                                guard lo < hi else { continue }
                                var best = px[base + offs[lo]], at = lo
                                for t in (lo + 1)..<hi {
                                    let v = px[base + offs[t]]
                                    if v > best { best = v; at = t }
                                }
                                py[plane * outSize + o] = best
                                if wantsIndices {
                                    pi[plane * outSize + o] = Int64(base + (columnMajor ? w.columnMajor[at] : offs[at]))
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, indices)
    }

    private func average<T: ComputeFloat>(_ x: [T], planes: Int, planeSize: Int, _ w: PoolWindows,
                                          _ includePad: Bool) throws -> [T] {
        let outSize = w.start.count - 1
        var y = [T](repeating: 0, count: planes * outSize)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                w.offsets.withUnsafeBufferPointer { offs in
                    for plane in 0..<planes {
                        let base = plane * planeSize
                        for o in 0..<outSize {
                            let lo = w.start[o], hi = w.start[o + 1]
                            var sum: T = 0
                            for t in lo..<hi { sum += px[base + offs[t]] }
                            let count = includePad ? w.padded[o] : hi - lo
                            py[plane * outSize + o] = count > 0 ? sum / T(count) : .nan
                        }
                    }
                }
            }
        }
        return y
    }

    private func lp<T: ComputeFloat>(_ x: [T], planes: Int, planeSize: Int, _ w: PoolWindows, p: T) -> [T] {
        let outSize = w.start.count - 1
        var y = [T](repeating: 0, count: planes * outSize)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                w.offsets.withUnsafeBufferPointer { offs in
                    for plane in 0..<planes {
                        let base = plane * planeSize
                        for o in 0..<outSize {
                            var sum: T = 0
                            for t in w.start[o]..<w.start[o + 1] {
                                let v = abs(px[base + offs[t]])
                                sum += p == 2 ? v * v : T.pow(v, p)
                            }
                            py[plane * outSize + o] = p == 2 ? sum.squareRoot() : T.pow(sum, 1 / p)
                        }
                    }
                }
            }
        }
        return y
    }
}
