import ONNX

/// A dense tensor the interpreter computes with: a shape and typed element storage in C order.
///
/// float16 and bfloat16 keep their 16-bit patterns (stored natively) and are computed in float32 by the
/// kernels; float8, 4-bit and 2-bit types, and complex numbers are kept as their raw bytes.
public struct TensorValue: Sendable, Equatable {
    public var dataType: DataType
    public var shape: [Int]
    public var storage: TensorStorage

    public init(dataType: DataType, shape: [Int], storage: TensorStorage) {
        self.dataType = dataType
        self.shape = shape
        self.storage = storage
    }

    public init<T: TensorElement>(shape: [Int], values: [T]) {
        self.init(dataType: T.dataType, shape: shape, storage: T.storage(values))
    }

    public static func scalar<T: TensorElement>(_ value: T) -> TensorValue {
        TensorValue(shape: [], values: [value])
    }

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// The elements as `T`, when `T` is this tensor's element type.
    public func values<T: TensorElement>(_ type: T.Type = T.self) -> [T]? {
        guard dataType == T.dataType else { return nil }
        return T.array(of: storage)
    }
}

/// Element storage, one case per Swift element type.
public enum TensorStorage: Sendable, Equatable {
    case float([Float])
    case double([Double])
    /// float16 or bfloat16 bit patterns (the tensor's `dataType` says which).
    case half([UInt16])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case uint8([UInt8])
    case uint16([UInt16])
    case uint32([UInt32])
    case uint64([UInt64])
    case bool([Bool])
    case string([String])
    /// Packed raw bytes of types without a Swift element type here (float8, int4, complex…).
    case bytes([UInt8])
}

/// A Swift type that is the element type of some ONNX tensors.
public protocol TensorElement: Sendable, Equatable {
    static var dataType: DataType { get }
    static func array(of storage: TensorStorage) -> [Self]?
    static func storage(_ values: [Self]) -> TensorStorage
}

extension Float: TensorElement {
    public static var dataType: DataType { .float }
    public static func array(of storage: TensorStorage) -> [Float]? { if case .float(let v) = storage { return v }; return nil }
    public static func storage(_ values: [Float]) -> TensorStorage { .float(values) }
}
extension Double: TensorElement {
    public static var dataType: DataType { .double }
    public static func array(of storage: TensorStorage) -> [Double]? { if case .double(let v) = storage { return v }; return nil }
    public static func storage(_ values: [Double]) -> TensorStorage { .double(values) }
}
extension Int8: TensorElement {
    public static var dataType: DataType { .int8 }
    public static func array(of storage: TensorStorage) -> [Int8]? { if case .int8(let v) = storage { return v }; return nil }
    public static func storage(_ values: [Int8]) -> TensorStorage { .int8(values) }
}
extension Int16: TensorElement {
    public static var dataType: DataType { .int16 }
    public static func array(of storage: TensorStorage) -> [Int16]? { if case .int16(let v) = storage { return v }; return nil }
    public static func storage(_ values: [Int16]) -> TensorStorage { .int16(values) }
}
extension Int32: TensorElement {
    public static var dataType: DataType { .int32 }
    public static func array(of storage: TensorStorage) -> [Int32]? { if case .int32(let v) = storage { return v }; return nil }
    public static func storage(_ values: [Int32]) -> TensorStorage { .int32(values) }
}
extension Int64: TensorElement {
    public static var dataType: DataType { .int64 }
    public static func array(of storage: TensorStorage) -> [Int64]? { if case .int64(let v) = storage { return v }; return nil }
    public static func storage(_ values: [Int64]) -> TensorStorage { .int64(values) }
}
extension UInt8: TensorElement {
    public static var dataType: DataType { .uint8 }
    public static func array(of storage: TensorStorage) -> [UInt8]? { if case .uint8(let v) = storage { return v }; return nil }
    public static func storage(_ values: [UInt8]) -> TensorStorage { .uint8(values) }
}
extension UInt16: TensorElement {
    public static var dataType: DataType { .uint16 }
    public static func array(of storage: TensorStorage) -> [UInt16]? { if case .uint16(let v) = storage { return v }; return nil }
    public static func storage(_ values: [UInt16]) -> TensorStorage { .uint16(values) }
}
extension UInt32: TensorElement {
    public static var dataType: DataType { .uint32 }
    public static func array(of storage: TensorStorage) -> [UInt32]? { if case .uint32(let v) = storage { return v }; return nil }
    public static func storage(_ values: [UInt32]) -> TensorStorage { .uint32(values) }
}
extension UInt64: TensorElement {
    public static var dataType: DataType { .uint64 }
    public static func array(of storage: TensorStorage) -> [UInt64]? { if case .uint64(let v) = storage { return v }; return nil }
    public static func storage(_ values: [UInt64]) -> TensorStorage { .uint64(values) }
}
extension Bool: TensorElement {
    public static var dataType: DataType { .bool }
    public static func array(of storage: TensorStorage) -> [Bool]? { if case .bool(let v) = storage { return v }; return nil }
    public static func storage(_ values: [Bool]) -> TensorStorage { .bool(values) }
}
extension String: TensorElement {
    public static var dataType: DataType { .string }
    public static func array(of storage: TensorStorage) -> [String]? { if case .string(let v) = storage { return v }; return nil }
    public static func storage(_ values: [String]) -> TensorStorage { .string(values) }
}
