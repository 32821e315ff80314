import ONNX

// Shared helpers of the Shape family: element moves written once over every TensorStorage case,
// comparable keys and arithmetic for the few ops that look at values, and input decoding.

// MARK: - Element moves over any storage

/// Builds output elements from input elements, for any element type. The kernel writes its index
/// logic once; `ShapeElements.transform` runs it on whichever storage case the tensor has.
protocol ElementTransform {
    func apply<T>(_ input: [T]) throws -> [T]
}

/// 128-bit elements (complex128) kept as raw bits while they are moved.
struct Bits128: Equatable {
    var low: UInt64
    var high: UInt64
}

enum ShapeElements {
    /// `transform` applied to `tensor`'s elements; the result has `shape` and the same data type.
    /// The shape is checked first (most Shape-family outputs are made here, from shapes that come from
    /// inputs or attributes); kernels that build index tables for the shape check it before that.
    static func transform<F: ElementTransform>(_ tensor: TensorValue, to shape: [Int], _ f: F) throws -> TensorValue {
        let count = try ShapeMath.checkedCount(shape, of: tensor.dataType)
        let storage: TensorStorage
        switch tensor.storage {
        case .float(let v): storage = .float(try f.apply(v))
        case .double(let v): storage = .double(try f.apply(v))
        case .half(let v): storage = .half(try f.apply(v))
        case .int8(let v): storage = .int8(try f.apply(v))
        case .int16(let v): storage = .int16(try f.apply(v))
        case .int32(let v): storage = .int32(try f.apply(v))
        case .int64(let v): storage = .int64(try f.apply(v))
        case .uint8(let v): storage = .uint8(try f.apply(v))
        case .uint16(let v): storage = .uint16(try f.apply(v))
        case .uint32(let v): storage = .uint32(try f.apply(v))
        case .uint64(let v): storage = .uint64(try f.apply(v))
        case .bool(let v): storage = .bool(try f.apply(v))
        case .string(let v): storage = .string(try f.apply(v))
        case .bytes(let v):
            switch tensor.dataType.bitWidth {
            case 8: storage = .bytes(try f.apply(v))
            case 64: storage = .bytes(packWide(try f.apply(unpackWide(v, as: UInt64.self))))
            case 128: storage = .bytes(packWide(try f.apply(unpackWide(v, as: Bits128.self))))
            case 4, 2:
                let bits = tensor.dataType.bitWidth
                storage = .bytes(packSubByte(try f.apply(unpackSubByte(v, bits: bits, count: tensor.count)), bits: bits, count: count))
            default:
                throw KernelError("cannot move elements of \(tensor.dataType)")
            }
        }
        let result = TensorValue(dataType: tensor.dataType, shape: shape, storage: storage)
        guard elementCount(result) == count else {
            throw KernelError("internal: produced \(elementCount(result)) elements for shape \(shape)")
        }
        return result
    }

    /// The elements of `tensor` as `T`, where `T` is the element type another tensor of the same data
    /// type is moved as (for the second, third… inputs of an `ElementTransform`).
    static func elements<T>(of tensor: TensorValue, as _: T.Type) throws -> [T] {
        let any: Any
        switch tensor.storage {
        case .float(let v): any = v
        case .double(let v): any = v
        case .half(let v): any = v
        case .int8(let v): any = v
        case .int16(let v): any = v
        case .int32(let v): any = v
        case .int64(let v): any = v
        case .uint8(let v): any = v
        case .uint16(let v): any = v
        case .uint32(let v): any = v
        case .uint64(let v): any = v
        case .bool(let v): any = v
        case .string(let v): any = v
        case .bytes(let v):
            switch tensor.dataType.bitWidth {
            case 8: any = v
            case 64: any = unpackWide(v, as: UInt64.self)
            case 128: any = unpackWide(v, as: Bits128.self)
            case 4, 2: any = unpackSubByte(v, bits: tensor.dataType.bitWidth, count: tensor.count)
            default: throw KernelError("cannot move elements of \(tensor.dataType)")
            }
        }
        guard let values = any as? [T] else {
            throw KernelError("element type \(tensor.dataType) does not match the other inputs")
        }
        return values
    }

    /// Number of elements held by the tensor's storage.
    static func elementCount(_ tensor: TensorValue) -> Int {
        switch tensor.storage {
        case .float(let v): return v.count
        case .double(let v): return v.count
        case .half(let v): return v.count
        case .int8(let v): return v.count
        case .int16(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .uint8(let v): return v.count
        case .uint16(let v): return v.count
        case .uint32(let v): return v.count
        case .uint64(let v): return v.count
        case .bool(let v): return v.count
        case .string(let v): return v.count
        case .bytes(let v):
            let bits = tensor.dataType.bitWidth
            return bits == 0 ? v.count : (bits < 8 ? tensor.count : v.count * 8 / bits)
        }
    }

    /// A tensor of `count` zero elements (false, "", 0) of `dataType`, in `shape`.
    static func zeros(_ dataType: DataType, shape: [Int]) throws -> TensorValue {
        let count = try ShapeMath.checkedCount(shape, of: dataType)
        let storage: TensorStorage
        switch dataType {
        case .float: storage = .float(Array(repeating: 0, count: count))
        case .double: storage = .double(Array(repeating: 0, count: count))
        case .float16, .bfloat16: storage = .half(Array(repeating: 0, count: count))
        case .int8: storage = .int8(Array(repeating: 0, count: count))
        case .int16: storage = .int16(Array(repeating: 0, count: count))
        case .int32: storage = .int32(Array(repeating: 0, count: count))
        case .int64: storage = .int64(Array(repeating: 0, count: count))
        case .uint8: storage = .uint8(Array(repeating: 0, count: count))
        case .uint16: storage = .uint16(Array(repeating: 0, count: count))
        case .uint32: storage = .uint32(Array(repeating: 0, count: count))
        case .uint64: storage = .uint64(Array(repeating: 0, count: count))
        case .bool: storage = .bool(Array(repeating: false, count: count))
        case .string: storage = .string(Array(repeating: "", count: count))
        default: storage = .bytes(Array(repeating: 0, count: dataType.byteCount(elements: count)))
        }
        return TensorValue(dataType: dataType, shape: shape, storage: storage)
    }

    /// One element of `dataType` equal to 1 (true for bool), for EyeLike and OneHot-style fills.
    static func one(_ dataType: DataType) throws -> TensorValue {
        switch dataType {
        case .float, .double, .float16, .bfloat16: return TensorValue(floating: dataType, shape: [], values: [1])
        case .int8: return .scalar(Int8(1))
        case .int16: return .scalar(Int16(1))
        case .int32: return .scalar(Int32(1))
        case .int64: return .scalar(Int64(1))
        case .uint8: return .scalar(UInt8(1))
        case .uint16: return .scalar(UInt16(1))
        case .uint32: return .scalar(UInt32(1))
        case .uint64: return .scalar(UInt64(1))
        case .bool: return .scalar(true)
        default: throw KernelError("no value 1 for \(dataType)")
        }
    }

    private static func unpackWide<W>(_ bytes: [UInt8], as _: W.Type) -> [W] {
        let count = bytes.count / MemoryLayout<W>.stride
        return [W](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(out).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * MemoryLayout<W>.stride)]))
            }
            initialized = count
        }
    }

    private static func packWide<W>(_ values: [W]) -> [UInt8] {
        values.withUnsafeBytes { [UInt8]($0) }
    }

    /// Packed 4- or 2-bit elements (low bits first), one per byte.
    private static func unpackSubByte(_ bytes: [UInt8], bits: Int, count: Int) -> [UInt8] {
        let perByte = 8 / bits, mask = UInt8((1 << bits) - 1)
        return (0..<count).map { i in
            let byte = i / perByte < bytes.count ? bytes[i / perByte] : 0
            return (byte >> UInt8((i % perByte) * bits)) & mask
        }
    }

    private static func packSubByte(_ values: [UInt8], bits: Int, count: Int) -> [UInt8] {
        let perByte = 8 / bits, mask = UInt8((1 << bits) - 1)
        var bytes = [UInt8](repeating: 0, count: (count + perByte - 1) / perByte)
        for (i, v) in values.enumerated() {
            bytes[i / perByte] |= (v & mask) << UInt8((i % perByte) * bits)
        }
        return bytes
    }
}

// MARK: - Index maps

/// Output element at index (i0, …, in-1) is input element `tables[0][i0] + … + tables[n-1][in-1]`;
/// a negative sum (an entry of `AxisTableGather.outside`) takes the fill element instead. Covers
/// Transpose, Slice, Gather along one axis, Expand, Tile, Pad, DepthToSpace and SpaceToDepth: the source
/// offset of each of those is a sum of one term per output axis.
struct AxisTableGather: ElementTransform {
    /// An entry that makes the whole sum negative: the element comes from `fill`.
    static let outside = -(1 << 48)

    let shape: [Int]
    let tables: [[Int]]
    /// A one-element tensor of the input's type, required when some table entry is `outside`.
    var fill: TensorValue? = nil

    /// The table of a strided axis: `start + j * step` for j in 0..<count.
    static func strided(_ count: Int, start: Int = 0, step: Int) -> [Int] {
        (0..<count).map { start + $0 * step }
    }

    func apply<T>(_ input: [T]) throws -> [T] {
        let count = try ShapeMath.checkedCount(shape, elementSize: MemoryLayout<T>.stride)
        guard count > 0 else { return [] }
        let rank = shape.count
        guard tables.count == rank, zip(tables, shape).allSatisfy({ $0.count == $1 }) else {
            throw KernelError("internal: index tables do not match shape \(shape)")
        }
        guard rank > 0 else {
            guard let first = input.first else { throw KernelError("no element to take from an empty tensor") }
            return [first]
        }
        var needsFill = false, allFill = false, highest = 0
        for table in tables {
            let hi = table.max() ?? 0
            if hi < 0 { allFill = true }
            if (table.min() ?? 0) < 0 { needsFill = true }
            highest += max(hi, 0)
        }
        guard allFill || highest < input.count else {
            throw KernelError("index \(highest) out of range for \(input.count) elements")
        }
        let fillValue: T?
        if needsFill {
            guard let fill else { throw KernelError("internal: fill element missing") }
            fillValue = try ShapeElements.elements(of: fill, as: T.self).first
            guard let fillValue else { throw KernelError("fill value is empty") }
            if allFill { return Array(repeating: fillValue, count: count) }
        } else {
            fillValue = nil
        }
        // The identity map returns the input itself.
        if !needsFill && input.count == count {
            var step = 1, identity = true
            for axis in (0..<rank).reversed() {
                for (j, v) in tables[axis].enumerated() where v != j * step { identity = false; break }
                if !identity { break }
                step *= shape[axis]
            }
            if identity { return input }
        }
        return Self.gather(input, layout: Layout(shape: shape, tables: tables), count: count, fill: fillValue)
    }

    /// One axis of a simplified layout: an arithmetic table kept as start and step, or explicit entries.
    struct Axis {
        var dim: Int
        var start: Int
        var step: Int
        var table: [Int]?

        init(dim: Int, table: [Int]) {
            self.dim = dim
            if let step = Axis.step(table) {
                (start, self.step, self.table) = (table[0], step, nil)
            } else {
                (start, step, self.table) = (table.first ?? 0, 0, table)
            }
        }

        init(dim: Int, start: Int, step: Int) {
            (self.dim, self.start, self.step, table) = (dim, start, step, nil)
        }

        @inline(__always) func entry(_ j: Int) -> Int { table?[j] ?? start + j * step }

        /// The common difference of an arithmetic table of non-negative entries.
        static func step(_ table: [Int]) -> Int? {
            guard table.count >= 2, table[0] >= 0 else { return nil }
            let step = table[1] - table[0]
            guard step >= 0 else { return nil }
            for j in 1..<table.count where table[j] != table[0] + j * step { return nil }
            return step
        }
    }

    /// The index tables simplified: size-1 axes folded into `base`, adjacent arithmetic axes that read
    /// the input in one stride merged into one axis.
    struct Layout {
        var axes: [Axis] = []
        var base = 0

        init(shape: [Int], tables: [[Int]]) {
            for (dim, table) in zip(shape, tables) {
                if dim == 1 {
                    base += table[0]
                    continue
                }
                let axis = Axis(dim: dim, table: table)
                if let previous = axes.last, previous.table == nil, axis.table == nil, previous.step == axis.step * dim {
                    axes[axes.count - 1] = Axis(dim: previous.dim * dim, start: previous.start + axis.start, step: axis.step)
                    continue
                }
                axes.append(axis)
            }
        }
    }

    /// How one output row is assembled from an explicit last table: copies of consecutive input
    /// elements, repeats of one element, or fill.
    enum Run {
        case copy(table: Int, length: Int)
        case repeated(table: Int, length: Int)
        case fill(length: Int)
    }

    /// The runs of `table`, or nil when there would be more than a quarter as many runs as entries
    /// (then an element-by-element copy is faster).
    static func runs(_ table: [Int]) -> [Run]? {
        var runs: [Run] = []
        let limit = table.count / 4
        var j = 0
        while j < table.count {
            if runs.count >= limit { return nil }
            var k = j + 1
            if table[j] < 0 {
                while k < table.count && table[k] < 0 { k += 1 }
                runs.append(.fill(length: k - j))
            } else if k < table.count && table[k] == table[j] {
                while k < table.count && table[k] == table[j] { k += 1 }
                runs.append(.repeated(table: table[j], length: k - j))
            } else {
                while k < table.count && table[k] >= 0 && table[k] == table[k - 1] + 1 { k += 1 }
                runs.append(.copy(table: table[j], length: k - j))
            }
            j = k
        }
        return runs
    }

    static func gather<T>(_ input: [T], layout: Layout, count: Int, fill: T?) -> [T] {
        [T](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { src in
                write(src, into: out, layout: layout, count: count, fill: fill)
            }
            initialized = count
        }
    }

    /// Initializes all `count` elements of `out` (the caller guarantees `out` holds `count`).
    static func write<T>(_ src: UnsafeBufferPointer<T>, into out: UnsafeMutableBufferPointer<T>, layout: Layout,
                         count: Int, fill: T?) {
        let axes = layout.axes
        let rank = axes.count
        guard let dst = out.baseAddress else { return }
        guard let source = src.baseAddress else {
            // Only fill is read from an empty input.
            if let fill { dst.initialize(repeating: fill, count: count) }
            return
        }
        guard let last = axes.last else {
            if layout.base >= 0 { dst.initialize(to: source[layout.base]) } else if let fill { dst.initialize(to: fill) }
            return
        }
        if fill == nil, let tiled = tiledAxis(layout) {
            transposeTiles(source, dst, layout: layout, q: tiled)
            return
        }
        let inner = last.dim
        let runs = last.table.flatMap { AxisTableGather.runs($0) }
        let lastTable = last.table ?? []
        var index = [Int](repeating: 0, count: rank)
        var outer = layout.base
        for d in 0..<(rank - 1) { outer += axes[d].start }
        var o = 0
        let rows = count / inner
        for _ in 0..<rows {
            let p = dst + o
            if outer < 0 {
                if let fill { p.initialize(repeating: fill, count: inner) }
            } else if last.table == nil {
                let s = source + outer + last.start
                switch last.step {
                case 1: p.initialize(from: s, count: inner)
                case 0: p.initialize(repeating: s.pointee, count: inner)
                default:
                    let step = last.step
                    for j in 0..<inner { (p + j).initialize(to: s[j * step]) }
                }
            } else if let runs {
                var q = p
                for run in runs {
                    switch run {
                    case .copy(let t, let n): q.initialize(from: source + outer + t, count: n); q += n
                    case .repeated(let t, let n): q.initialize(repeating: source[outer + t], count: n); q += n
                    case .fill(let n):
                        if let fill { q.initialize(repeating: fill, count: n) }
                        q += n
                    }
                }
            } else if let fill {
                for j in 0..<inner {
                    let s = outer + lastTable[j]
                    (p + j).initialize(to: s >= 0 ? source[s] : fill)
                }
            } else {
                for j in 0..<inner { (p + j).initialize(to: source[outer + lastTable[j]]) }
            }
            o += inner
            var d = rank - 2
            while d >= 0 {
                outer -= axes[d].entry(index[d])
                index[d] += 1
                if index[d] < axes[d].dim {
                    outer += axes[d].entry(index[d])
                    break
                }
                index[d] = 0
                outer += axes[d].start
                d -= 1
            }
        }
    }

    /// For a transpose-like layout — the last output axis strided in the input, another axis reading
    /// it contiguously — that other axis; the copy then goes tile by tile to stay in cache.
    static func tiledAxis(_ layout: Layout) -> Int? {
        guard layout.base >= 0, let last = layout.axes.last, layout.axes.count >= 2, last.table == nil,
              last.dim >= 8, last.step > 1 else { return nil }
        for q in (0..<(layout.axes.count - 1)).reversed() {
            let axis = layout.axes[q]
            if axis.dim >= 8 && axis.table == nil && axis.step == 1 { return q }
        }
        return nil
    }

    static func transposeTiles<T>(_ source: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, layout: Layout, q: Int) {
        let axes = layout.axes
        let rank = axes.count
        let outStrides = ShapeMath.strides(axes.map(\.dim))
        let others = (0..<(rank - 1)).filter { $0 != q }
        let nq = axes[q].dim, nl = axes[rank - 1].dim
        let lStep = axes[rank - 1].step
        let outQ = outStrides[q]
        let tile = 32
        var index = [Int](repeating: 0, count: others.count)
        let combinations = others.reduce(1) { $0 * axes[$1].dim }
        for _ in 0..<combinations {
            var inBase = layout.base + axes[q].start + axes[rank - 1].start, outBase = 0
            for (k, axis) in others.enumerated() {
                inBase += axes[axis].entry(index[k])
                outBase += index[k] * outStrides[axis]
            }
            var i0 = 0
            while i0 < nq {
                let i1 = min(i0 + tile, nq)
                var j0 = 0
                while j0 < nl {
                    let j1 = min(j0 + tile, nl)
                    for i in i0..<i1 {
                        let s = source + inBase + i
                        let d = dst + outBase + i * outQ
                        for j in j0..<j1 { (d + j).initialize(to: s[j * lStep]) }
                    }
                    j0 = j1
                }
                i0 = i1
            }
            var k = others.count - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < axes[others[k]].dim { break }
                index[k] = 0
                k -= 1
            }
        }
    }
}

/// Output block i is the `block` input elements starting at `starts[i]` (Gather-like ops whose source
/// offsets are per element: GatherElements, GatherND, TopK, Unique, ReverseSequence, Compress).
struct BlockGather: ElementTransform {
    let starts: [Int]
    let block: Int

    func apply<T>(_ input: [T]) throws -> [T] {
        for s in starts where s < 0 || s + block > input.count {
            throw KernelError("index \(s) out of range for \(input.count) elements")
        }
        let count = starts.count * block
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { src in
                guard let dst = out.baseAddress, let source = src.baseAddress else { return }
                if block == 1 {
                    for (i, s) in starts.enumerated() { (dst + i).initialize(to: source[s]) }
                } else {
                    for (i, s) in starts.enumerated() { (dst + i * block).initialize(from: source + s, count: block) }
                }
            }
            initialized = count
        }
    }
}

/// The first element repeated `count` times (ConstantOfShape, Expand of one element).
struct RepeatFirst: ElementTransform {
    let count: Int
    func apply<T>(_ input: [T]) throws -> [T] {
        guard count > 0 else { return [] }
        guard let first = input.first else { throw KernelError("value tensor is empty") }
        return Array(repeating: first, count: count)
    }
}

// MARK: - Shapes and inputs

enum ShapeMath {
    /// Row-major element strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = step
            step *= shape[i]
        }
        return strides
    }

    /// `axis` in [-rank, rank) made non-negative.
    static func axis(_ axis: Int, rank: Int, name: String = "axis") throws -> Int {
        guard axis >= -rank && axis < rank else {
            throw KernelError("\(name) \(axis) is out of range for rank \(rank)")
        }
        return axis < 0 ? axis + rank : axis
    }

    /// Distinct normalized axes.
    static func axes(_ axes: [Int], rank: Int) throws -> [Int] {
        let normalized = try axes.map { try axis($0, rank: rank) }
        guard Set(normalized).count == normalized.count else { throw KernelError("axes \(axes) repeat an axis") }
        return normalized
    }
}

enum ShapeInputs {
    /// Input `index` as a tensor; absent or not a tensor is an error naming it.
    static func tensor(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> TensorValue {
        guard index < inputs.count, let value = inputs[index] else {
            throw KernelError("input '\(name)' is missing")
        }
        guard let tensor = value.tensor else {
            throw KernelError("input '\(name)' must be a tensor, got \(value.kindDescription)")
        }
        return tensor
    }

    /// Optional input `index` (nil when left out).
    static func optionalTensor(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> TensorValue? {
        guard index < inputs.count, inputs[index] != nil else { return nil }
        return try tensor(inputs, index, name)
    }

    /// An integer tensor input's elements (shapes, axes, indices).
    static func ints(_ tensor: TensorValue, _ name: String) throws -> [Int] {
        guard tensor.dataType != .bool, let values = tensor.int64s() else {
            throw KernelError("input '\(name)' must be an integer tensor, got \(tensor.dataType)")
        }
        return values.map { Int($0) }
    }

    static func ints(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> [Int] {
        try ints(tensor(inputs, index, name), name)
    }

    static func optionalInts(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> [Int]? {
        try optionalTensor(inputs, index, name).map { try ints($0, name) }
    }

    /// A scalar (or one-element) integer input.
    static func scalarInt(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> Int {
        let values = try ints(inputs, index, name)
        guard values.count == 1, let v = values.first else {
            throw KernelError("input '\(name)' must hold one integer, got \(values.count)")
        }
        return v
    }

    static func int64Tensor(_ values: [Int], shape: [Int]? = nil) -> TensorValue {
        TensorValue(shape: shape ?? [values.count], values: values.map { Int64($0) })
    }
}

// MARK: - Comparable keys and arithmetic

/// Looks at element values through an ordering: floats (float16/bfloat16 widened), ints, strings.
protocol KeyedOperation {
    associatedtype Result
    func apply<K: Comparable>(_ keys: [K]) throws -> Result
}

/// Wrapping arithmetic on the numeric element types (float16/bfloat16 are computed in Float).
protocol ShapeNumber: Comparable {
    static var zeroValue: Self { get }
    static var oneValue: Self { get }
    static func add(_ a: Self, _ b: Self) -> Self
    static func multiply(_ a: Self, _ b: Self) -> Self
}

extension Float: ShapeNumber {
    static var zeroValue: Float { 0 }
    static var oneValue: Float { 1 }
    static func add(_ a: Float, _ b: Float) -> Float { a + b }
    static func multiply(_ a: Float, _ b: Float) -> Float { a * b }
}
extension Double: ShapeNumber {
    static var zeroValue: Double { 0 }
    static var oneValue: Double { 1 }
    static func add(_ a: Double, _ b: Double) -> Double { a + b }
    static func multiply(_ a: Double, _ b: Double) -> Double { a * b }
}
/// Integers wrap on overflow, as numpy and onnxruntime do.
protocol WrappingShapeNumber: ShapeNumber, FixedWidthInteger {}
extension WrappingShapeNumber {
    static var zeroValue: Self { 0 }
    static var oneValue: Self { 1 }
    static func add(_ a: Self, _ b: Self) -> Self { a &+ b }
    static func multiply(_ a: Self, _ b: Self) -> Self { a &* b }
}
extension Int8: WrappingShapeNumber {}
extension Int16: WrappingShapeNumber {}
extension Int32: WrappingShapeNumber {}
extension Int64: WrappingShapeNumber {}
extension UInt8: WrappingShapeNumber {}
extension UInt16: WrappingShapeNumber {}
extension UInt32: WrappingShapeNumber {}
extension UInt64: WrappingShapeNumber {}

/// Maps numbers of one type to numbers of the same type (CumSum/CumProd, Scatter reductions).
protocol NumericTransform {
    func apply<N: ShapeNumber>(_ values: [N]) throws -> [N]
}

enum ShapeNumbers {
    /// `op` over comparable keys of `tensor`'s elements.
    static func withKeys<Op: KeyedOperation>(_ tensor: TensorValue, _ op: Op) throws -> Op.Result {
        switch tensor.storage {
        case .float(let v): return try op.apply(v)
        case .double(let v): return try op.apply(v)
        case .half:
            guard let v = tensor.floats() else { throw KernelError("cannot read \(tensor.dataType)") }
            return try op.apply(v)
        case .int8(let v): return try op.apply(v)
        case .int16(let v): return try op.apply(v)
        case .int32(let v): return try op.apply(v)
        case .int64(let v): return try op.apply(v)
        case .uint8(let v): return try op.apply(v)
        case .uint16(let v): return try op.apply(v)
        case .uint32(let v): return try op.apply(v)
        case .uint64(let v): return try op.apply(v)
        case .bool(let v): return try op.apply(v.map { $0 ? UInt8(1) : 0 })
        case .string(let v): return try op.apply(v)
        case .bytes: throw KernelError("cannot compare elements of \(tensor.dataType)")
        }
    }

    /// `op` over `tensor`'s numbers; the result has `shape` and the same data type.
    static func transform<Op: NumericTransform>(_ tensor: TensorValue, to shape: [Int], _ op: Op) throws -> TensorValue {
        let storage: TensorStorage
        switch tensor.storage {
        case .float(let v): storage = .float(try op.apply(v))
        case .double(let v): storage = .double(try op.apply(v))
        case .half:
            guard let v = tensor.floats() else { throw KernelError("cannot read \(tensor.dataType)") }
            return TensorValue(floating: tensor.dataType, shape: shape, values: try op.apply(v))
        case .int8(let v): storage = .int8(try op.apply(v))
        case .int16(let v): storage = .int16(try op.apply(v))
        case .int32(let v): storage = .int32(try op.apply(v))
        case .int64(let v): storage = .int64(try op.apply(v))
        case .uint8(let v): storage = .uint8(try op.apply(v))
        case .uint16(let v): storage = .uint16(try op.apply(v))
        case .uint32(let v): storage = .uint32(try op.apply(v))
        case .uint64(let v): storage = .uint64(try op.apply(v))
        case .bool, .string, .bytes: throw KernelError("arithmetic is not defined for \(tensor.dataType)")
        }
        return TensorValue(dataType: tensor.dataType, shape: shape, storage: storage)
    }

    /// Another tensor's numbers as `N` (the type `transform` chose for the first tensor).
    static func numbers<N: ShapeNumber>(of tensor: TensorValue, as _: N.Type) throws -> [N] {
        if case .half = tensor.storage, let v = tensor.floats() as? [N] { return v }
        return try ShapeElements.elements(of: tensor, as: N.self)
    }
}
