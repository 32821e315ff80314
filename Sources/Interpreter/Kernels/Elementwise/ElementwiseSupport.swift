import ONNX

// Shared machinery of the elementwise family: broadcasting loops over raw buffers, typed dispatch over
// tensor storage (visitors, since Swift has no generic closures), and input access helpers.

/// The output shape of inputs broadcast together, with dimensions merged where every input is either
/// contiguous or broadcast across them, so that the innermost loop is as long as possible.
struct BroadcastLayout {
    let shape: [Int]
    let count: Int
    /// Collapsed output dimensions, outermost first; the last one is the inner loop.
    let dims: [Int]
    /// Per input, its element stride along each collapsed dimension (0 where broadcast).
    let strides: [[Int]]

    init(_ shapes: [[Int]]) throws {
        let shape = try Broadcast.shape(shapes)
        self.shape = shape
        count = shape.reduce(1, *)
        let all = shapes.map { Broadcast.strides(of: $0, broadcastTo: shape) }
        var dims: [Int] = []
        var strides = [[Int]](repeating: [], count: shapes.count)
        for d in 0..<shape.count where shape[d] != 1 {
            if let lastSize = dims.last {
                // Merge with the previous kept dimension when every input steps through both as one.
                let mergeable = (0..<shapes.count).allSatisfy { k in
                    strides[k][strides[k].count - 1] == all[k][d] * shape[d]
                }
                if mergeable {
                    dims[dims.count - 1] = lastSize * shape[d]
                    for k in 0..<shapes.count { strides[k][strides[k].count - 1] = all[k][d] }
                    continue
                }
            }
            dims.append(shape[d])
            for k in 0..<shapes.count { strides[k].append(all[k][d]) }
        }
        if dims.isEmpty {
            dims = [1]
            for k in 0..<shapes.count { strides[k] = [0] }
        }
        self.dims = dims
        self.strides = strides
    }

    var inner: Int { dims[dims.count - 1] }
}

/// Walks the rows of a `BroadcastLayout` without closures, so that the loop over a row can be inlined
/// and vectorized where it is written.
struct BroadcastRowCursor {
    private let dims: [Int]
    private let strides: [[Int]]
    private var index: [Int]
    /// Per input, the flat offset of the current row's first element.
    private(set) var offsets: [Int]
    /// The flat output offset of the current row's first element.
    private(set) var output = 0

    init(_ layout: BroadcastLayout) {
        dims = layout.dims
        strides = layout.strides
        index = [Int](repeating: 0, count: layout.dims.count)
        offsets = [Int](repeating: 0, count: layout.strides.count)
    }

    /// A cursor standing on row `row` (rows counted over all but the last axis), so that parts of one
    /// loop can start in the middle.
    init(_ layout: BroadcastLayout, row: Int) {
        self.init(layout)
        var rest = row
        for d in stride(from: dims.count - 2, through: 0, by: -1) {
            index[d] = rest % dims[d]
            rest /= dims[d]
            for k in 0..<offsets.count { offsets[k] += index[d] * strides[k][d] }
        }
        output = row * dims[dims.count - 1]
    }

    /// Moves to the next row; false after the last one.
    mutating func advance() -> Bool {
        output += dims[dims.count - 1]
        var d = dims.count - 2
        while d >= 0 {
            index[d] += 1
            for k in 0..<offsets.count { offsets[k] += strides[k][d] }
            if index[d] < dims[d] { return true }
            for k in 0..<offsets.count { offsets[k] -= strides[k][d] * dims[d] }
            index[d] = 0
            d -= 1
        }
        return false
    }
}

/// An elementwise function of one value as a type. Loops split over the cores run it from a per-core
/// closure; a closure captured there would be called indirectly for every element, while a value of a
/// known type is inlined and vectorised.
protocol UnaryElementFunction: Sendable {
    associatedtype Input
    associatedtype Output
    func callAsFunction(_ x: Input) -> Output
}

/// An elementwise function of two values as a type (see `UnaryElementFunction`).
protocol BinaryElementFunction: Sendable {
    associatedtype Left
    associatedtype Right
    associatedtype Output
    func callAsFunction(_ a: Left, _ b: Right) -> Output
}

/// Elementwise loops over broadcast inputs into a fresh array. The forms taking a function type split
/// long loops over the cores; the closure forms stay on one core, since a closure may capture state.
enum ElementwiseLoop {
    /// `op` over one array, on one core.
    @inline(__always)
    static func map<A, R>(_ a: [A], _ op: (A) -> R) -> [R] {
        withoutActuallyEscaping(op) { map(a, SerialClosure1(body: $0), parallel: false) }
    }

    /// `f` over one array.
    @inline(__always)
    static func map<F: UnaryElementFunction>(_ a: [F.Input], _ f: F, parallel: Bool = true) -> [F.Output] {
        a.withUnsafeBufferPointer { pa in
            [F.Output](unsafeUninitializedCapacity: pa.count) { out, initialized in
                guard let base = out.baseAddress else { initialized = 0; return }
                Parallel.forChunks(pa.count, split: parallel) { range in
                    for i in range { (base + i).initialize(to: f(pa[i])) }
                }
                initialized = pa.count
            }
        }
    }

    /// `op` over `a` and `b` broadcast together (numpy rules), on one core.
    @inline(__always)
    static func binary<A, B, R>(
        _ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], _ op: (A, B) -> R
    ) throws -> (values: [R], shape: [Int]) {
        try withoutActuallyEscaping(op) { try binary(a, aShape, b, bShape, SerialClosure2(body: $0), parallel: false) }
    }

    /// `f` over `a` and `b` broadcast together (numpy rules).
    @inline(__always)
    static func binary<F: BinaryElementFunction>(
        _ a: [F.Left], _ aShape: [Int], _ b: [F.Right], _ bShape: [Int], _ f: F, parallel: Bool = true
    ) throws -> (values: [F.Output], shape: [Int]) {
        guard a.count == aShape.reduce(1, *), b.count == bShape.reduce(1, *) else {
            throw KernelError("input element counts do not match their shapes")
        }
        if aShape == bShape {
            let values = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    [F.Output](unsafeUninitializedCapacity: pa.count) { out, initialized in
                        guard let base = out.baseAddress else { initialized = 0; return }
                        Parallel.forChunks(pa.count, split: parallel) { range in
                            for i in range { (base + i).initialize(to: f(pa[i], pb[i])) }
                        }
                        initialized = pa.count
                    }
                }
            }
            return (values, aShape)
        }
        let layout = try BroadcastLayout([aShape, bShape])
        let count = layout.count
        let values = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                [F.Output](unsafeUninitializedCapacity: count) { out, initialized in
                    guard let base = out.baseAddress, count > 0 else { initialized = 0; return }
                    let inner = layout.inner
                    let sa = layout.strides[0][layout.dims.count - 1]
                    let sb = layout.strides[1][layout.dims.count - 1]
                    let rows = count / max(inner, 1)
                    Parallel.forChunks(rows, cost: inner, split: parallel) { rows in
                        var cursor = BroadcastRowCursor(layout, row: rows.lowerBound)
                        for row in rows {
                            if row > rows.lowerBound { _ = cursor.advance() }
                            let ia = cursor.offsets[0], ib = cursor.offsets[1]
                            let dst = base + cursor.output
                            if sa == 1 && sb == 1 {
                                for j in 0..<inner { (dst + j).initialize(to: f(pa[ia + j], pb[ib + j])) }
                            } else if sa == 1 && sb == 0 {
                                let y = pb[ib]
                                for j in 0..<inner { (dst + j).initialize(to: f(pa[ia + j], y)) }
                            } else if sa == 0 && sb == 1 {
                                let x = pa[ia]
                                for j in 0..<inner { (dst + j).initialize(to: f(x, pb[ib + j])) }
                            } else {
                                for j in 0..<inner { (dst + j).initialize(to: f(pa[ia + j * sa], pb[ib + j * sb])) }
                            }
                        }
                    }
                    initialized = count
                }
            }
        }
        return (values, layout.shape)
    }

    /// A closure as a function type, only ever run on its caller's thread.
    private struct SerialClosure1<A, R>: UnaryElementFunction, @unchecked Sendable {
        let body: (A) -> R
        @inline(__always) func callAsFunction(_ x: A) -> R { body(x) }
    }

    private struct SerialClosure2<A, B, R>: BinaryElementFunction, @unchecked Sendable {
        let body: (A, B) -> R
        @inline(__always) func callAsFunction(_ a: A, _ b: B) -> R { body(a, b) }
    }

    /// `op` over three arrays broadcast together.
    @inline(__always)
    static func ternary<A, B, C, R>(
        _ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], _ c: [C], _ cShape: [Int], _ op: (A, B, C) -> R
    ) throws -> (values: [R], shape: [Int]) {
        guard a.count == aShape.reduce(1, *), b.count == bShape.reduce(1, *), c.count == cShape.reduce(1, *) else {
            throw KernelError("input element counts do not match their shapes")
        }
        let layout = try BroadcastLayout([aShape, bShape, cShape])
        let count = layout.count
        let last = layout.dims.count - 1
        let sa = layout.strides[0][last], sb = layout.strides[1][last], sc = layout.strides[2][last]
        let values = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeBufferPointer { pc in
                    [R](unsafeUninitializedCapacity: count) { out, initialized in
                        guard let base = out.baseAddress, count > 0 else { initialized = 0; return }
                        let inner = layout.inner
                        var cursor = BroadcastRowCursor(layout)
                        repeat {
                            let ia = cursor.offsets[0], ib = cursor.offsets[1], ic = cursor.offsets[2]
                            let dst = base + cursor.output
                            for j in 0..<inner {
                                (dst + j).initialize(to: op(pa[ia + j * sa], pb[ib + j * sb], pc[ic + j * sc]))
                            }
                        } while cursor.advance()
                        initialized = count
                    }
                }
            }
        }
        return (values, layout.shape)
    }
}

/// Typed access to storage: a visitor is called with the elements as their Swift type.
protocol IntegerVisitor {
    associatedtype Result
    func visit<T: FixedWidthInteger & TensorElement>(_ values: [T]) throws -> Result
}

/// Called with every real numeric storage except float16/bfloat16 (which kernels widen to Float).
protocol ComparableVisitor {
    associatedtype Result
    func visit<T: Comparable & TensorElement>(_ values: [T]) throws -> Result
}

extension TensorValue {
    /// Calls `visitor` with integer elements; nil when the tensor does not hold integers.
    func visitIntegers<V: IntegerVisitor>(_ visitor: V) throws -> V.Result? {
        switch storage {
        case .int8(let v): return try visitor.visit(v)
        case .int16(let v): return try visitor.visit(v)
        case .int32(let v): return try visitor.visit(v)
        case .int64(let v): return try visitor.visit(v)
        case .uint8(let v): return try visitor.visit(v)
        case .uint16(let v): return try visitor.visit(v)
        case .uint32(let v): return try visitor.visit(v)
        case .uint64(let v): return try visitor.visit(v)
        default: return nil
        }
    }

    /// Calls `visitor` with float, double, integer or string elements; nil for other storage.
    func visitComparables<V: ComparableVisitor>(_ visitor: V) throws -> V.Result? {
        switch storage {
        case .float(let v): return try visitor.visit(v)
        case .double(let v): return try visitor.visit(v)
        case .int8(let v): return try visitor.visit(v)
        case .int16(let v): return try visitor.visit(v)
        case .int32(let v): return try visitor.visit(v)
        case .int64(let v): return try visitor.visit(v)
        case .uint8(let v): return try visitor.visit(v)
        case .uint16(let v): return try visitor.visit(v)
        case .uint32(let v): return try visitor.visit(v)
        case .uint64(let v): return try visitor.visit(v)
        case .string(let v): return try visitor.visit(v)
        case .half, .bool, .bytes: return nil
        }
    }

    /// True for float16 and bfloat16, computed in Float and rounded back.
    var isHalf: Bool { dataType == .float16 || dataType == .bfloat16 }
}

/// Input access with errors that say which input is wrong.
enum ElementwiseInputs {
    static func tensor(_ inputs: [RuntimeValue?], _ index: Int, _ op: String) throws -> TensorValue {
        guard index < inputs.count, let value = inputs[index] else {
            throw KernelError("\(op): input \(index) is missing")
        }
        guard case .tensor(let t) = value else {
            throw KernelError("\(op): input \(index) must be a tensor, got \(value.kindDescription)")
        }
        return t
    }

    static func optionalTensor(_ inputs: [RuntimeValue?], _ index: Int, _ op: String) throws -> TensorValue? {
        guard index < inputs.count, inputs[index] != nil else { return nil }
        return try tensor(inputs, index, op)
    }

    static func sameType(_ a: TensorValue, _ b: TensorValue, _ op: String) throws {
        guard a.dataType == b.dataType else {
            throw KernelError("\(op): inputs have different element types \(a.dataType) and \(b.dataType)")
        }
    }
}

/// Broadcasting of opset < 7 binary ops: with `broadcast=1`, B's shape lines up with A's from `axis`
/// (trailing when no axis); without it the shapes must be equal.
struct LegacyBroadcast: Sendable {
    let enabled: Bool
    let axis: Int?

    init(_ context: NodeContext) throws {
        if context.opset < 7 {
            enabled = try context.int("broadcast", default: 0) != 0
            axis = try context.int("axis")
        } else {
            enabled = false
            axis = nil
        }
    }

    /// B's shape as numpy broadcasting against A should see it.
    func align(_ aShape: [Int], _ bShape: [Int]) throws -> [Int] {
        guard enabled, let axis else { return bShape }
        let rank = aShape.count
        let start = axis < 0 ? axis + rank : axis
        guard start >= 0, start + bShape.count <= rank else {
            throw KernelError("legacy broadcast axis \(axis) does not fit B \(bShape) into A \(aShape)")
        }
        return [Int](repeating: 1, count: start) + bShape + [Int](repeating: 1, count: rank - start - bShape.count)
    }
}

/// float16/bfloat16 conversion of whole arrays.
enum HalfArrays {
    static func widen(_ bits: [UInt16], _ dataType: DataType) -> [Float] {
        dataType == .bfloat16 ? ElementwiseLoop.map(bits, HalfPrecision.bfloat16ToFloat)
            : ElementwiseLoop.map(bits, HalfPrecision.float16ToFloat)
    }

    static func narrow(_ values: [Float], _ dataType: DataType) -> [UInt16] {
        dataType == .bfloat16 ? ElementwiseLoop.map(values, HalfPrecision.floatToBFloat16)
            : ElementwiseLoop.map(values, HalfPrecision.floatToFloat16)
    }

    static func tensor(_ dataType: DataType, _ shape: [Int], _ values: [Float]) -> TensorValue {
        TensorValue(dataType: dataType, shape: shape, storage: .half(narrow(values, dataType)))
    }
}
