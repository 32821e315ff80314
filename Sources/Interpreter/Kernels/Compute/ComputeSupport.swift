// Helpers shared by the Compute kernels (not an op): input access, the floating-point types the
// kernels compute in (float32 for float/float16/bfloat16, float64 for double), a gemm that goes to BLAS,
// axis normalisation, and integer tensors from Int64 results.

import Foundation
import ONNX

/// Positional inputs of a node, with errors that name what is missing or of the wrong kind.
struct ComputeInputs {
    let values: [RuntimeValue?]
    let op: String

    init(_ values: [RuntimeValue?], op: String) {
        self.values = values
        self.op = op
    }

    /// The tensor at `index`, which must be present.
    func tensor(_ index: Int, _ name: String) throws -> TensorValue {
        guard index < values.count, let value = values[index] else {
            throw KernelError("\(op): required input \(index) (\(name)) is missing")
        }
        guard case .tensor(let t) = value else {
            throw KernelError("\(op): input \(index) (\(name)) must be a tensor, got \(value.kindDescription)")
        }
        return t
    }

    /// The tensor at `index`, or nil when the node leaves it out.
    func optionalTensor(_ index: Int, _ name: String) throws -> TensorValue? {
        guard index < values.count, values[index] != nil else { return nil }
        return try tensor(index, name)
    }
}

/// A real type kernels compute in: Float (for float, float16, bfloat16) or Double (for double).
protocol ComputeFloat: BLASScalar {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    /// The elements of a float, float16, bfloat16 or double tensor (ints and bool converted too).
    static func values(of tensor: TensorValue) throws -> [Self]
    /// A tensor of `dataType` (the input's floating type) holding `values`.
    static func tensor(_ dataType: DataType, shape: [Int], values: [Self]) -> TensorValue
    /// Row-major `c[m×n] = alpha·op(a)·op(b) + beta·c` with leading dimensions given.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: ComputeFloat {
    static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    static func log(_ x: Float) -> Float { Foundation.log(x) }
    static func pow(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, y) }

    static func values(of tensor: TensorValue) throws -> [Float] {
        guard let v = tensor.floats() else { throw KernelError("expected a numeric tensor, got \(tensor.dataType)") }
        return v
    }

    static func tensor(_ dataType: DataType, shape: [Int], values: [Float]) -> TensorValue {
        TensorValue(floating: dataType, shape: shape, values: values)
    }

    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        BLAS.gemm(GemmCall(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc))
    }
}

extension Double: ComputeFloat {
    static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    static func log(_ x: Double) -> Double { Foundation.log(x) }
    static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }

    static func values(of tensor: TensorValue) throws -> [Double] {
        guard let v = tensor.doubles() else { throw KernelError("expected a numeric tensor, got \(tensor.dataType)") }
        return v
    }

    static func tensor(_ dataType: DataType, shape: [Int], values: [Double]) -> TensorValue {
        if dataType == .double { return TensorValue(dataType: .double, shape: shape, storage: .double(values)) }
        return TensorValue(floating: dataType, shape: shape, values: values.map { Float($0) })
    }

    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                     a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                     beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        BLAS.gemm(GemmCall(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc))
    }
}

extension DataType {
    /// float, double, float16 or bfloat16: the types the floating kernels accept.
    var isComputeFloating: Bool { self == .float || self == .double || self == .float16 || self == .bfloat16 }
}

enum ComputeSupport {
    /// Throws unless `tensor` is float, double, float16 or bfloat16.
    static func requireFloating(_ tensor: TensorValue, _ op: String) throws {
        guard tensor.dataType.isComputeFloating else {
            throw KernelError("\(op) does not support element type \(tensor.dataType)")
        }
    }

    /// `axis` in [-rank, rank) made non-negative.
    static func normalizeAxis(_ axis: Int, rank: Int, _ op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < max(rank, 1) else { throw KernelError("\(op): axis \(axis) is out of range for rank \(rank)") }
        return a
    }

    /// An integer tensor of `dataType` from Int64 values (wrapping into narrower types), or bool.
    static func integerTensor(_ dataType: DataType, shape: [Int], values: [Int64]) throws -> TensorValue {
        let storage: TensorStorage
        switch dataType {
        case .int64: storage = .int64(values)
        case .int32: storage = .int32(values.map { Int32(truncatingIfNeeded: $0) })
        case .int16: storage = .int16(values.map { Int16(truncatingIfNeeded: $0) })
        case .int8: storage = .int8(values.map { Int8(truncatingIfNeeded: $0) })
        case .uint64: storage = .uint64(values.map { UInt64(truncatingIfNeeded: $0) })
        case .uint32: storage = .uint32(values.map { UInt32(truncatingIfNeeded: $0) })
        case .uint16: storage = .uint16(values.map { UInt16(truncatingIfNeeded: $0) })
        case .uint8: storage = .uint8(values.map { UInt8(truncatingIfNeeded: $0) })
        case .bool: storage = .bool(values.map { $0 != 0 })
        default: throw KernelError("\(dataType) is not an integer type")
        }
        return TensorValue(dataType: dataType, shape: shape, storage: storage)
    }

    static func isInteger(_ dataType: DataType) -> Bool {
        switch dataType {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    /// C-order strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] { ShapeMath.strides(shape) }
}
