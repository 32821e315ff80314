import ONNX

/// Shared helpers of the Control kernels (not an op): typed access to kernel arguments, and
/// dtype-generic element moves (gather, concatenate, transpose) used by Loop, Scan, the sequence ops,
/// Resize (nearest) and the recurrent ops.
enum ControlArgs {
    /// Input `index` as a tensor; absent or not a tensor is an error naming `name`.
    static func tensor(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> TensorValue {
        guard index < inputs.count, let value = inputs[index] else {
            throw KernelError("input '\(name)' is required")
        }
        guard case .tensor(let tensor) = value else {
            throw KernelError("input '\(name)' must be a tensor, got \(value.kindDescription)")
        }
        return tensor
    }

    /// Input `index` as a tensor when given (empty names and empty optionals count as absent).
    static func optionalTensor(_ inputs: [RuntimeValue?], _ index: Int, _ name: String) throws -> TensorValue? {
        guard index < inputs.count, let value = inputs[index] else { return nil }
        switch value {
        case .tensor(let tensor): return tensor
        case .optional(nil): return nil
        case .optional(.some(.tensor(let tensor))): return tensor
        default: throw KernelError("input '\(name)' must be a tensor, got \(value.kindDescription)")
        }
    }

    /// Real-valued elements as Float (float16/bfloat16/double widened or narrowed).
    static func floats(_ tensor: TensorValue, _ name: String) throws -> [Float] {
        guard let values = tensor.floats() else {
            throw KernelError("input '\(name)' must be numeric, got \(tensor.dataType)")
        }
        return values
    }

    /// Integer elements as Int.
    static func ints(_ tensor: TensorValue, _ name: String) throws -> [Int] {
        guard let values = tensor.int64s() else {
            throw KernelError("input '\(name)' must be an integer tensor, got \(tensor.dataType)")
        }
        return values.map { Int($0) }
    }

    /// A scalar (or one-element) boolean/integer tensor as Bool.
    static func bool(_ tensor: TensorValue, _ name: String) throws -> Bool {
        guard tensor.count == 1, let value = tensor.int64s()?.first ?? tensor.floats()?.first.map({ Int64($0 != 0 ? 1 : 0) }) else {
            throw KernelError("input '\(name)' must be a one-element boolean tensor, got \(tensor.dataType)\(tensor.shape)")
        }
        return value != 0
    }

    static func isFloating(_ type: DataType) -> Bool {
        type == .float || type == .double || type == .float16 || type == .bfloat16
    }

    /// Normalises `axis` in [-rank, rank) to [0, rank).
    static func axis(_ axis: Int, rank: Int, _ what: String = "axis") throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < max(rank, 1) else { throw KernelError("\(what) \(axis) is out of range for rank \(rank)") }
        return a
    }
}

/// A function over element arrays of any type, for `TensorStorage.mappedElements`.
protocol StorageTransform {
    func callAsFunction<T>(_ values: [T]) -> [T]
}

extension TensorStorage {
    /// The storage with `transform` applied to its element array (whatever its element type).
    /// `.bytes` is treated as one byte per element (float8 types; packed 4-bit types are not split).
    func mappedElements<F: StorageTransform>(_ transform: F) -> TensorStorage {
        switch self {
        case .float(let v): return .float(transform(v))
        case .double(let v): return .double(transform(v))
        case .half(let v): return .half(transform(v))
        case .int8(let v): return .int8(transform(v))
        case .int16(let v): return .int16(transform(v))
        case .int32(let v): return .int32(transform(v))
        case .int64(let v): return .int64(transform(v))
        case .uint8(let v): return .uint8(transform(v))
        case .uint16(let v): return .uint16(transform(v))
        case .uint32(let v): return .uint32(transform(v))
        case .uint64(let v): return .uint64(transform(v))
        case .bool(let v): return .bool(transform(v))
        case .string(let v): return .string(transform(v))
        case .bytes(let v): return .bytes(transform(v))
        }
    }

    /// Number of stored elements (bytes for `.bytes`).
    var elementArrayCount: Int {
        switch self {
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
        case .bytes(let v): return v.count
        }
    }
}

private struct GatherTransform: StorageTransform {
    let indices: [Int]
    func callAsFunction<T>(_ values: [T]) -> [T] {
        values.withUnsafeBufferPointer { source in indices.map { source[$0] } }
    }
}

private struct SliceTransform: StorageTransform {
    let range: Range<Int>
    func callAsFunction<T>(_ values: [T]) -> [T] { Array(values[range]) }
}

/// Dtype-generic element moves on tensors.
enum ElementMoves {
    /// Elements at flat `indices` of `tensor`, as a tensor of `shape`.
    static func gather(_ tensor: TensorValue, indices: [Int], shape: [Int]) -> TensorValue {
        TensorValue(dataType: tensor.dataType, shape: shape, storage: tensor.storage.mappedElements(GatherTransform(indices: indices)))
    }

    /// The contiguous flat element range `range` of `tensor`, as a tensor of `shape`.
    static func slice(_ tensor: TensorValue, range: Range<Int>, shape: [Int]) -> TensorValue {
        TensorValue(dataType: tensor.dataType, shape: shape, storage: tensor.storage.mappedElements(SliceTransform(range: range)))
    }

    /// An empty tensor of `dataType` and `shape` (one dimension must be 0).
    static func empty(_ dataType: DataType, shape: [Int]) -> TensorValue {
        let storage: TensorStorage
        switch dataType {
        case .float: storage = .float([])
        case .double: storage = .double([])
        case .float16, .bfloat16: storage = .half([])
        case .int8: storage = .int8([])
        case .int16: storage = .int16([])
        case .int32: storage = .int32([])
        case .int64: storage = .int64([])
        case .uint8: storage = .uint8([])
        case .uint16: storage = .uint16([])
        case .uint32: storage = .uint32([])
        case .uint64: storage = .uint64([])
        case .bool: storage = .bool([])
        case .string: storage = .string([])
        default: storage = .bytes([])
        }
        return TensorValue(dataType: dataType, shape: shape, storage: storage)
    }

    /// The flat concatenation of `parts` (all of one data type), as a tensor of `shape`.
    static func concatenate(_ parts: [TensorValue], shape: [Int]) throws -> TensorValue {
        guard let first = parts.first else { throw KernelError("nothing to concatenate") }
        for part in parts where part.dataType != first.dataType {
            throw KernelError("cannot concatenate \(first.dataType) with \(part.dataType)")
        }
        func join<T>(_ extract: (TensorStorage) -> [T]?) throws -> [T] {
            var result: [T] = []
            result.reserveCapacity(parts.reduce(0) { $0 + $1.storage.elementArrayCount })
            for part in parts {
                guard let values = extract(part.storage) else { throw KernelError("mixed storage in concatenation") }
                result.append(contentsOf: values)
            }
            return result
        }
        let storage: TensorStorage
        switch first.storage {
        case .float: storage = .float(try join { if case .float(let v) = $0 { return v }; return nil })
        case .double: storage = .double(try join { if case .double(let v) = $0 { return v }; return nil })
        case .half: storage = .half(try join { if case .half(let v) = $0 { return v }; return nil })
        case .int8: storage = .int8(try join { if case .int8(let v) = $0 { return v }; return nil })
        case .int16: storage = .int16(try join { if case .int16(let v) = $0 { return v }; return nil })
        case .int32: storage = .int32(try join { if case .int32(let v) = $0 { return v }; return nil })
        case .int64: storage = .int64(try join { if case .int64(let v) = $0 { return v }; return nil })
        case .uint8: storage = .uint8(try join { if case .uint8(let v) = $0 { return v }; return nil })
        case .uint16: storage = .uint16(try join { if case .uint16(let v) = $0 { return v }; return nil })
        case .uint32: storage = .uint32(try join { if case .uint32(let v) = $0 { return v }; return nil })
        case .uint64: storage = .uint64(try join { if case .uint64(let v) = $0 { return v }; return nil })
        case .bool: storage = .bool(try join { if case .bool(let v) = $0 { return v }; return nil })
        case .string: storage = .string(try join { if case .string(let v) = $0 { return v }; return nil })
        case .bytes: storage = .bytes(try join { if case .bytes(let v) = $0 { return v }; return nil })
        }
        return TensorValue(dataType: first.dataType, shape: shape, storage: storage)
    }

    /// Flat source indices of `shape` permuted by `perm` (output dim i is input dim perm[i]).
    static func transposeIndices(shape: [Int], perm: [Int]) -> [Int] {
        let rank = shape.count
        var strides = [Int](repeating: 1, count: rank)
        if rank > 1 { for d in (0..<(rank - 1)).reversed() { strides[d] = strides[d + 1] * shape[d + 1] } }
        let outShape = perm.map { shape[$0] }
        let outStrides = perm.map { strides[$0] }
        let count = shape.reduce(1, *)
        guard count > 0 else { return [] }
        var indices = [Int](repeating: 0, count: count)
        var counter = [Int](repeating: 0, count: rank)
        var offset = 0
        for i in 0..<count {
            indices[i] = offset
            var d = rank - 1
            while d >= 0 {
                counter[d] += 1
                offset += outStrides[d]
                if counter[d] < outShape[d] { break }
                offset -= outStrides[d] * outShape[d]
                counter[d] = 0
                d -= 1
            }
        }
        return indices
    }

    /// `tensor` with its dimensions permuted by `perm`.
    static func transpose(_ tensor: TensorValue, perm: [Int]) -> TensorValue {
        if perm == Array(0..<perm.count) { return tensor }
        let indices = transposeIndices(shape: tensor.shape, perm: perm)
        return gather(tensor, indices: indices, shape: perm.map { tensor.shape[$0] })
    }

    /// Moves dimension `from` to position `to`.
    static func moveAxis(_ tensor: TensorValue, from: Int, to: Int) -> TensorValue {
        if from == to { return tensor }
        var perm = Array(0..<tensor.rank)
        perm.remove(at: from)
        perm.insert(from, at: to)
        return transpose(tensor, perm: perm)
    }

    /// `tensors` (all of one shape and type) stacked along a new leading axis.
    static func stack(_ tensors: [TensorValue]) throws -> TensorValue {
        guard let first = tensors.first else { throw KernelError("nothing to stack") }
        for t in tensors where t.shape != first.shape {
            throw KernelError("cannot stack shapes \(first.shape) and \(t.shape)")
        }
        return try concatenate(tensors, shape: [tensors.count] + first.shape)
    }

    /// The element type and fixed dims a graph value declares, for empty outputs.
    static func declared(_ value: Value) -> (DataType, [Int]?) {
        guard let (elementType, shape) = value.type?.tensorType else { return (.float, nil) }
        var dims: [Int]? = nil
        if let shape {
            var known: [Int] = []
            for dim in shape.dims {
                guard case .known(let v) = dim.size else { known = []; return (elementType ?? .float, nil) }
                known.append(Int(v))
            }
            dims = known
        }
        return (elementType ?? .float, dims)
    }
}
