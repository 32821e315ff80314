import Foundation
import ONNX

extension TensorValue {
    /// The runtime form of a constant (initializer, attribute, test data).
    public init(_ tensor: Tensor) throws {
        guard let dataType = tensor.dataType, dataType != .undefined else {
            throw InterpreterError.badTensor(name: tensor.name, reason: "no data type")
        }
        guard let count = tensor.elementCount else {
            throw InterpreterError.badTensor(name: tensor.name, reason: "invalid dims \(tensor.dims)")
        }
        let shape = tensor.dims.map { Int($0) }
        // An empty tensor can still declare [2^62, 4, 0]; kernels take partial products of a shape.
        do {
            try ShapeMath.checkedCount(shape, of: dataType, what: "")
        } catch {
            throw InterpreterError.badTensor(name: tensor.name, reason: "\(error)")
        }
        if dataType == .string {
            guard case .strings(let values) = tensor.storage, values.count == count else {
                if case .none = tensor.storage, count == 0 {
                    self.init(dataType: .string, shape: shape, storage: .string([]))
                    return
                }
                throw InterpreterError.badTensor(name: tensor.name, reason: "string tensor needs \(count) strings")
            }
            self.init(dataType: .string, shape: shape, storage: .string(values.map { String(decoding: $0, as: UTF8.self) }))
            return
        }
        let raw: Data
        do {
            raw = try tensor.rawBytes()
        } catch {
            throw InterpreterError.badTensor(name: tensor.name, reason: "\(error)")
        }
        guard raw.count == dataType.byteCount(elements: count) else {
            throw InterpreterError.badTensor(
                name: tensor.name, reason: "\(raw.count) bytes of data for \(count) elements of \(dataType)")
        }
        self.init(dataType: dataType, shape: shape, storage: Self.storage(raw: raw, dataType: dataType, count: count))
    }

    static func storage(raw: Data, dataType: DataType, count: Int) -> TensorStorage {
        func load<T>(_: T.Type) -> [T] {
            raw.withUnsafeBytes { buffer in
                [T](unsafeUninitializedCapacity: count) { out, initialized in
                    let bytes = UnsafeMutableRawBufferPointer(out)
                    bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<(count * MemoryLayout<T>.stride)]))
                    initialized = count
                }
            }
        }
        // Every platform Swift runs this on is little-endian, the raw_data byte order.
        switch dataType {
        case .float: return .float(load(Float.self))
        case .double: return .double(load(Double.self))
        case .float16, .bfloat16: return .half(load(UInt16.self))
        case .int8: return .int8(load(Int8.self))
        case .int16: return .int16(load(Int16.self))
        case .int32: return .int32(load(Int32.self))
        case .int64: return .int64(load(Int64.self))
        case .uint8: return .uint8(load(UInt8.self))
        case .uint16: return .uint16(load(UInt16.self))
        case .uint32: return .uint32(load(UInt32.self))
        case .uint64: return .uint64(load(UInt64.self))
        case .bool: return .bool(raw.map { $0 != 0 })
        default: return .bytes([UInt8](raw))
        }
    }

    /// The constant form, elements in `raw_data` (strings in `string_data`).
    public func onnxTensor(name: String) -> Tensor {
        let dims = shape.map(Int64.init)
        switch storage {
        case .string(let values):
            return Tensor(name: name, dataType: .string, dims: dims, storage: .strings(values.map { Data($0.utf8) }))
        case .bool(let values):
            return Tensor(name: name, dataType: .bool, dims: dims, raw: Data(values.map { $0 ? 1 : 0 }))
        case .bytes(let values):
            return Tensor(name: name, dataType: dataType, dims: dims, raw: Data(values))
        case .float(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .double(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .half(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .int8(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .int16(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .int32(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .int64(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .uint8(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .uint16(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .uint32(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        case .uint64(let v): return Tensor(name: name, dataType: dataType, dims: dims, raw: v.withUnsafeBytes { Data($0) })
        }
    }
}

extension TensorValue {
    /// Elements of any real numeric or bool tensor as Float (float16/bfloat16 widened exactly).
    public func floats() -> [Float]? {
        switch storage {
        case .float(let v): return v
        case .half(let v):
            return dataType == .bfloat16 ? v.map(HalfPrecision.bfloat16ToFloat) : v.map(HalfPrecision.float16ToFloat)
        case .double(let v): return v.map { Float($0) }
        case .int8(let v): return v.map { Float($0) }
        case .int16(let v): return v.map { Float($0) }
        case .int32(let v): return v.map { Float($0) }
        case .int64(let v): return v.map { Float($0) }
        case .uint8(let v): return v.map { Float($0) }
        case .uint16(let v): return v.map { Float($0) }
        case .uint32(let v): return v.map { Float($0) }
        case .uint64(let v): return v.map { Float($0) }
        case .bool(let v): return v.map { $0 ? 1 : 0 }
        case .string, .bytes: return nil
        }
    }

    /// Elements of any real numeric or bool tensor as Double.
    public func doubles() -> [Double]? {
        switch storage {
        case .double(let v): return v
        case .int64(let v): return v.map { Double($0) }
        case .uint64(let v): return v.map { Double($0) }
        default: return floats()?.map { Double($0) }
        }
    }

    /// Elements of an integer or bool tensor as Int64 (shape inputs, indices, axes).
    public func int64s() -> [Int64]? {
        switch storage {
        case .int64(let v): return v
        case .int32(let v): return v.map { Int64($0) }
        case .int16(let v): return v.map { Int64($0) }
        case .int8(let v): return v.map { Int64($0) }
        case .uint8(let v): return v.map { Int64($0) }
        case .uint16(let v): return v.map { Int64($0) }
        case .uint32(let v): return v.map { Int64($0) }
        case .uint64(let v): return v.map { Int64(truncatingIfNeeded: $0) }
        case .bool(let v): return v.map { $0 ? 1 : 0 }
        default: return nil
        }
    }

    /// A tensor of `dataType` (float, double, float16 or bfloat16) from Float results, rounding to the
    /// narrower types.
    public init(floating dataType: DataType, shape: [Int], values: [Float]) {
        switch dataType {
        case .double: self.init(dataType: .double, shape: shape, storage: .double(values.map { Double($0) }))
        case .float16: self.init(dataType: .float16, shape: shape, storage: .half(values.map(HalfPrecision.floatToFloat16)))
        case .bfloat16: self.init(dataType: .bfloat16, shape: shape, storage: .half(values.map(HalfPrecision.floatToBFloat16)))
        default: self.init(dataType: .float, shape: shape, storage: .float(values))
        }
    }
}
