// ReduceSum (1, 11, 13), ReduceMean / ReduceProd / ReduceL1 / ReduceL2 / ReduceSumSquare (1, 11, 13, 18),
// ReduceLogSum / ReduceLogSumExp (1, 11, 13, 18, 28), ReduceMax / ReduceMin (1, 11, 12, 13, 18, 20).
// Axes are an attribute before ReduceSum-13 and before 18 for the others, an optional int64 input from
// then on, together with noop_with_empty_axes (empty axes: reduce nothing when 1, everything when 0).
// 11 allows negative axes; 12 adds int8/uint8 to Max/Min, 20 bool (max = any, min = all); 28 only widens
// types. Empty reductions give the identity: 0 for sums and norms, 1 for Prod, −∞/+∞ (the type's min/max
// for integers) for Max/Min, −∞ for LogSum/LogSumExp, NaN for Mean.
// Integers reduce in Int64 (wrapping; Mean truncates); L2/LogSum/LogSumExp of integers go through Double.

import ONNX

enum ReduceKernels {
    static let registrations: [KernelRegistration] =
        family("ReduceSum", .sum, attributeUntil: 13, [1, 11, 13])
        + family("ReduceMean", .mean, attributeUntil: 18, [1, 11, 13, 18])
        + family("ReduceProd", .prod, attributeUntil: 18, [1, 11, 13, 18])
        + family("ReduceL1", .l1, attributeUntil: 18, [1, 11, 13, 18])
        + family("ReduceL2", .l2, attributeUntil: 18, [1, 11, 13, 18])
        + family("ReduceSumSquare", .sumSquare, attributeUntil: 18, [1, 11, 13, 18])
        + family("ReduceLogSum", .logSum, attributeUntil: 18, [1, 11, 13, 18, 28])
        + family("ReduceLogSumExp", .logSumExp, attributeUntil: 18, [1, 11, 13, 18, 28])
        + family("ReduceMax", .max, attributeUntil: 18, [1, 11, 12, 13, 18, 20])
        + family("ReduceMin", .min, attributeUntil: 18, [1, 11, 12, 13, 18, 20])

    /// Registrations of one reduce op: versions below `attributeUntil` read the `axes` attribute, later
    /// ones the `axes` input.
    private static func family(_ name: String, _ op: ReduceOperation, attributeUntil: Int, _ versions: [Int]) -> [KernelRegistration] {
        versions.map { version in
            KernelRegistration(name, since: version) { node in
                let fromInput = version >= attributeUntil
                let noop = try node.int("noop_with_empty_axes", default: 0) != 0
                return ReduceKernel(
                    name: name, operation: op,
                    attributeAxes: fromInput ? nil : try node.ints("axes"),
                    axesFromInput: fromInput,
                    keepDims: try node.int("keepdims", default: 1) != 0,
                    noopWithEmptyAxes: fromInput && noop)
            }
        }
    }
}

enum ReduceOperation: Sendable {
    case sum, mean, prod, l1, l2, sumSquare, logSum, logSumExp, max, min
}

/// Where each input element lands in a reduction's output.
struct ReductionLayout {
    let inputShape: [Int]
    /// Output shape with reduced axes kept as 1.
    let keptShape: [Int]
    /// Output strides per input axis, 0 along reduced axes.
    let outStrides: [Int]
    let outputCount: Int
    /// Elements folded into each output element.
    let groupSize: Int

    init(shape: [Int], axes: Set<Int>) {
        inputShape = shape
        keptShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let kept = ComputeSupport.strides(keptShape)
        outStrides = shape.indices.map { axes.contains($0) ? 0 : kept[$0] }
        outputCount = keptShape.reduce(1, *)
        groupSize = shape.enumerated().filter { axes.contains($0.offset) }.map(\.element).reduce(1, *)
    }

    /// acc[out] = combine(acc[out], x) for every input element, in C order.
    func fold<T, A>(_ x: [T], initial: A, _ combine: (A, T) -> A) -> [A] {
        var acc = [A](repeating: initial, count: outputCount)
        let count = inputShape.reduce(1, *)
        guard count > 0 else { return acc }
        let r = inputShape.count
        guard r > 0 else { return [combine(initial, x[0])] }
        let inner = inputShape[r - 1], innerStride = outStrides[r - 1]
        let rows = count / inner
        var index = [Int](repeating: 0, count: r - 1)
        var base = 0
        x.withUnsafeBufferPointer { px in
            acc.withUnsafeMutableBufferPointer { pa in
                for row in 0..<rows {
                    let src = row * inner
                    if innerStride == 0 {
                        var a = pa[base]
                        for j in 0..<inner { a = combine(a, px[src + j]) }
                        pa[base] = a
                    } else {
                        for j in 0..<inner { pa[base + j] = combine(pa[base + j], px[src + j]) }
                    }
                    var d = r - 2
                    while d >= 0 {
                        index[d] += 1
                        base += outStrides[d]
                        if index[d] < inputShape[d] { break }
                        base -= outStrides[d] * inputShape[d]
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        return acc
    }

    /// For every input element, the offset of its output element (used to broadcast a result back).
    func outputOffsets() -> [Int] {
        Broadcast.offsets(of: keptShape, broadcastTo: inputShape)
    }
}

struct ReduceKernel: Kernel {
    let name: String
    let operation: ReduceOperation
    let attributeAxes: [Int]?
    let axesFromInput: Bool
    let keepDims: Bool
    let noopWithEmptyAxes: Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: name)
        let x = try args.tensor(0, "data")
        var axes = attributeAxes ?? []
        if axesFromInput, let t = try args.optionalTensor(1, "axes") {
            guard let v = t.int64s() else { throw KernelError("\(name): axes must be int64, got \(t.dataType)") }
            axes = v.map { Int($0) }
        }
        if axes.isEmpty && noopWithEmptyAxes { return [.tensor(x)] }
        var set = Set<Int>()
        for a in axes {
            let n = a < 0 ? a + x.rank : a
            guard n >= 0, n < x.rank else { throw KernelError("\(name): axis \(a) is out of range for rank \(x.rank)") }
            set.insert(n)
        }
        if axes.isEmpty { set = Set(0..<x.rank) }
        let layout = ReductionLayout(shape: x.shape, axes: set)
        let shape = keepDims ? layout.keptShape : x.shape.enumerated().filter { !set.contains($0.offset) }.map(\.element)
        return [.tensor(try reduce(x, layout, shape: shape))]
    }

    func reduce(_ x: TensorValue, _ layout: ReductionLayout, shape: [Int]) throws -> TensorValue {
        switch x.dataType {
        case .double:
            return Double.tensor(.double, shape: shape, values: reduceFloating(try Double.values(of: x), layout))
        case .float, .float16, .bfloat16:
            return Float.tensor(x.dataType, shape: shape, values: reduceFloating(try Float.values(of: x), layout))
        case .bool:
            guard case .bool(let v) = x.storage, operation == .max || operation == .min else {
                throw KernelError("\(name) does not support element type bool")
            }
            let isMax = operation == .max
            let r = layout.fold(v, initial: !isMax) { isMax ? ($0 || $1) : ($0 && $1) }
            return TensorValue(shape: shape, values: r)
        default:
            guard ComputeSupport.isInteger(x.dataType), let v = x.int64s() else {
                throw KernelError("\(name) does not support element type \(x.dataType)")
            }
            let r: [Int64]
            switch operation {
            case .l2, .logSum, .logSumExp:
                r = reduceFloating(v.map { Double($0) }, layout).map { $0.isFinite ? Int64($0) : 0 }
            default:
                r = reduceIntegers(v, layout, dataType: x.dataType)
            }
            return try ComputeSupport.integerTensor(x.dataType, shape: shape, values: r)
        }
    }

    private func reduceFloating<T: ComputeFloat>(_ x: [T], _ layout: ReductionLayout) -> [T] {
        switch operation {
        case .sum: return layout.fold(x, initial: 0) { $0 + $1 }
        case .mean:
            let n = T(layout.groupSize)
            return layout.fold(x, initial: 0) { $0 + $1 }.map { $0 / n }
        case .prod: return layout.fold(x, initial: 1) { $0 * $1 }
        case .l1: return layout.fold(x, initial: 0) { $0 + abs($1) }
        case .l2: return layout.fold(x, initial: 0) { $0 + $1 * $1 }.map { $0.squareRoot() }
        case .sumSquare: return layout.fold(x, initial: 0) { $0 + $1 * $1 }
        case .logSum: return layout.fold(x, initial: 0) { $0 + $1 }.map { T.log($0) }
        case .max: return layout.fold(x, initial: -T.infinity) { $1 > $0 || $1.isNaN ? $1 : $0 }
        case .min: return layout.fold(x, initial: T.infinity) { $1 < $0 || $1.isNaN ? $1 : $0 }
        case .logSumExp:
            let peak = layout.fold(x, initial: -T.infinity) { Swift.max($0, $1) }.map { $0.isFinite ? $0 : 0 }
            let offsets = layout.outputOffsets()
            var sums = [T](repeating: 0, count: layout.outputCount)
            for (i, v) in x.enumerated() { let o = offsets[i]; sums[o] += T.exp(v - peak[o]) }
            return zip(sums, peak).map { T.log($0) + $1 }
        }
    }

    private func reduceIntegers(_ x: [Int64], _ layout: ReductionLayout, dataType: DataType) -> [Int64] {
        switch operation {
        case .sum: return layout.fold(x, initial: 0) { $0 &+ $1 }
        case .mean:
            let n = Int64(layout.groupSize)
            return layout.fold(x, initial: 0) { $0 &+ $1 }.map { n == 0 ? 0 : $0 / n }
        case .prod: return layout.fold(x, initial: 1) { $0 &* $1 }
        case .l1: return layout.fold(x, initial: 0) { $0 &+ ($1 < 0 ? 0 &- $1 : $1) }
        case .sumSquare: return layout.fold(x, initial: 0) { $0 &+ $1 &* $1 }
        case .max: return layout.fold(x, initial: Self.integerRange(dataType).min) { Swift.max($0, $1) }
        case .min: return layout.fold(x, initial: Self.integerRange(dataType).max) { Swift.min($0, $1) }
        case .l2, .logSum, .logSumExp: return []  // handled in floating point
        }
    }

    /// Smallest and largest values of an integer type, as Int64 (uint64's max saturates).
    static func integerRange(_ dataType: DataType) -> (min: Int64, max: Int64) {
        switch dataType {
        case .int8: return (Int64(Int8.min), Int64(Int8.max))
        case .uint8: return (0, Int64(UInt8.max))
        case .int16: return (Int64(Int16.min), Int64(Int16.max))
        case .uint16: return (0, Int64(UInt16.max))
        case .int32: return (Int64(Int32.min), Int64(Int32.max))
        case .uint32: return (0, Int64(UInt32.max))
        case .uint64: return (0, Int64.max)
        default: return (Int64.min, Int64.max)
        }
    }
}
