import Foundation
import NumPy
import ONNX

/// NumPy arrays ↔ ONNX tensors. Both hold little-endian C-order bytes, so the data is shared, not copied.
public enum NpyConversion {
    /// ONNX element type for each NumPy dtype.
    public static func dataType(for dtype: NpyDType) -> DataType {
        switch dtype {
        case .bool: return .bool
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .int64: return .int64
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .float16: return .float16
        case .float32: return .float
        case .float64: return .double
        case .complex64: return .complex64
        case .complex128: return .complex128
        }
    }

    /// NumPy dtype for an ONNX element type, nil for types NumPy has no standard dtype for
    /// (bfloat16, float8, 4-bit and 2-bit types, strings).
    public static func npyDType(for dataType: DataType) -> NpyDType? {
        NpyDType.allCases.first { self.dataType(for: $0) == dataType }
    }

    public static func tensor(_ array: NpyArray, name: String) -> Tensor {
        Tensor(name: name, dataType: dataType(for: array.dtype), dims: array.shape.map(Int64.init), raw: array.data)
    }

    public static func array(_ tensor: Tensor, file: String) throws -> NpyArray {
        guard let dataType = tensor.dataType, let dtype = npyDType(for: dataType) else {
            throw TensorIOError(
                file: file, "tensor '\(tensor.name)' of type \(tensor.dataType.map(\.description) ?? "undefined") has no NumPy dtype")
        }
        let bytes: Data
        do {
            bytes = try tensor.rawBytes()
        } catch {
            throw TensorIOError(file: file, "\(error)")
        }
        let shape = tensor.dims.map { Int($0) }
        let array = NpyArray(dtype: dtype, shape: shape, data: bytes)
        guard array.byteCount == bytes.count else {
            throw TensorIOError(
                file: file, "tensor '\(tensor.name)' has \(bytes.count) bytes of data for shape \(shape) of \(dtype)")
        }
        return array
    }
}
