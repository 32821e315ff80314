import Foundation

/// An n-dimensional numeric array as a `.npy` file holds it: dtype, shape, and raw element bytes in
/// little-endian byte order and C (row-major) order, whatever order the file used.
///
/// A shape of `[]` is a 0-d scalar holding one element; any zero dimension makes an empty array.
/// The fields are plain values, so an array built by hand can be inconsistent; `NpyFile.encode` and
/// `NpzArchive.write` check `data.count` against `byteCount` before writing anything.
public struct NpyArray: Sendable, Equatable {
    public var dtype: NpyDType
    public var shape: [Int]
    public var data: Data

    public init(dtype: NpyDType, shape: [Int], data: Data) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// An array of `values` in C order. `shape` defaults to one dimension; its product must equal the
    /// number of elements (a programming error otherwise, like an out-of-range index).
    public init<T: NpyScalar>(scalars values: [T], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        precondition(Self.elementCount(of: shape) == values.count,
                     "shape \(shape) does not hold \(values.count) elements")
        var data = Data(capacity: values.count * MemoryLayout<T>.size)
        for value in values { value.appendLittleEndian(to: &data) }
        self.init(dtype: T.npyDType, shape: shape, data: data)
    }

    /// A float32 array; see `init(scalars:shape:)`.
    public init(floats values: [Float], shape: [Int]? = nil) {
        self.init(scalars: values, shape: shape)
    }

    /// The product of `shape`, or nil if a dimension is negative or the product overflows `Int`.
    public var elementCount: Int? { Self.elementCount(of: shape) }

    /// The number of data bytes the shape and dtype call for, or nil on a bad shape or overflow.
    public var byteCount: Int? {
        guard let count = elementCount else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        return overflow ? nil : bytes
    }

    /// The elements as `T`, when `T` is the array's own type. For complex arrays, `Float` (complex64)
    /// or `Double` (complex128) gives the components interleaved: re₀, im₀, re₁, im₁, ….
    /// Nil for any other type, or when `data` does not match the shape.
    public func scalars<T: NpyScalar>(as type: T.Type = T.self) -> [T]? {
        let component = dtype.isComplex && T.npyDType.kind == "f" && T.npyDType.itemSize == dtype.swapUnit
        guard dtype == T.npyDType || component, byteCount == data.count else { return nil }
        return load(T.self) { $0 }
    }

    /// The elements converted to `Float` from any real dtype (bool as 0/1, float16 exactly; wide
    /// integers and float64 round). Nil for complex dtypes, or when `data` does not match the shape.
    public func floats() -> [Float]? { realValues(Float.self) }

    /// As `floats()`, converting to `Double`.
    public func doubles() -> [Double]? { realValues(Double.self) }

    private func realValues<R: BinaryFloatingPoint>(_: R.Type) -> [R]? {
        guard byteCount == data.count else { return nil }
        switch dtype {
        case .bool: return load(Bool.self) { $0 ? 1 : 0 }
        case .int8: return load(Int8.self) { R($0) }
        case .int16: return load(Int16.self) { R($0) }
        case .int32: return load(Int32.self) { R($0) }
        case .int64: return load(Int64.self) { R($0) }
        case .uint8: return load(UInt8.self) { R($0) }
        case .uint16: return load(UInt16.self) { R($0) }
        case .uint32: return load(UInt32.self) { R($0) }
        case .uint64: return load(UInt64.self) { R($0) }
        case .float16: return load(UInt16.self) { R(HalfFloat.float(fromBits: $0)) }
        case .float32: return load(Float.self) { R($0) }
        case .float64: return load(Double.self) { R($0) }
        case .complex64, .complex128: return nil
        }
    }

    /// Every `T`-sized value in `data`, in order, passed through `transform`.
    private func load<T: NpyScalar, R>(_: T.Type, _ transform: (T) -> R) -> [R] {
        let size = MemoryLayout<T>.size
        return data.withUnsafeBytes { bytes in
            (0..<bytes.count / size).map { transform(T.load(littleEndian: bytes, at: $0 * size)) }
        }
    }

    static func elementCount(of shape: [Int]) -> Int? {
        guard shape.allSatisfy({ $0 >= 0 }) else { return nil }
        // numpy multiplies with Python integers: a zero dimension empties the array even if the others
        // would overflow, so check for it before multiplying.
        if shape.contains(0) { return 0 }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
