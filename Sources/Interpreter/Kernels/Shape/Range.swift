import ONNX

/// Range (11, 27): start, start + delta, … up to but excluding `limit`, with
/// max(ceil((limit - start) / delta), 0) elements of the inputs' type. 27 adds float16/bfloat16 (and
/// `stash_type`, the precision of the computation: float32 by default, computed so here; double and
/// the integer types are computed in their own type).
enum RangeKernels {
    static let registrations = KernelRegistration.versions("Range", [11, 27]) { _ in
        ClosureKernel { inputs, _ in
            let start = try ShapeInputs.tensor(inputs, 0, "start")
            let limit = try ShapeInputs.tensor(inputs, 1, "limit")
            let delta = try ShapeInputs.tensor(inputs, 2, "delta")
            guard start.dataType == limit.dataType, start.dataType == delta.dataType else {
                throw KernelError("start, limit and delta must share one type")
            }
            guard start.count == 1, limit.count == 1, delta.count == 1 else {
                throw KernelError("start, limit and delta must be scalars")
            }
            return [.tensor(try range(start, limit, delta))]
        }
    }

    static func range(_ start: TensorValue, _ limit: TensorValue, _ delta: TensorValue) throws -> TensorValue {
        if start.dataType.isFloatingPoint {
            guard let s = start.doubles()?.first, let l = limit.doubles()?.first, let d = delta.doubles()?.first else {
                throw KernelError("cannot read \(start.dataType) inputs")
            }
            guard d != 0 else { throw KernelError("delta is 0") }
            let length = ((l - s) / d).rounded(.up)
            guard length.isFinite, length < 1e12 else { throw KernelError("Range of \(s) to \(l) by \(d) has no usable length") }
            let n = max(Int(length), 0)
            try ShapeMath.checkedCount([n], of: start.dataType == .double ? .double : .float)
            if start.dataType == .double {
                return TensorValue(shape: [n], values: (0..<n).map { s + Double($0) * d })
            }
            let fs = Float(s), fd = Float(d)
            return TensorValue(floating: start.dataType, shape: [n], values: (0..<n).map { fs + Float($0) * fd })
        }
        guard let s = start.int64s()?.first, let l = limit.int64s()?.first, let d = delta.int64s()?.first,
              start.dataType != .bool else {
            throw KernelError("Range does not support \(start.dataType)")
        }
        guard d != 0 else { throw KernelError("delta is 0") }
        let (span, overflow) = l.subtractingReportingOverflow(s)
        guard !overflow else { throw KernelError("Range of \(s) to \(l) overflows") }
        // ceil(span / d) without overflow: 0 when the span points away from delta.
        let steps = d > 0 ? (span <= 0 ? 0 : (span - 1) / d + 1) : (span >= 0 ? 0 : (span + 1) / d + 1)
        guard steps < 1 << 40 else { throw KernelError("Range of \(s) to \(l) by \(d) is too long") }
        let n = Int(steps)
        // Built as int64 first, whatever the output type.
        try ShapeMath.checkedCount([n], of: .int64)
        let values = (0..<n).map { s + Int64($0) * d }
        let out = ShapeInputs.int64Tensor(values.map { Int($0) })
        return try castInteger(out, to: start.dataType)
    }

    /// An int64 tensor converted to another integer type (values known to fit).
    static func castInteger(_ t: TensorValue, to dataType: DataType) throws -> TensorValue {
        guard let v = t.int64s() else { throw KernelError("not an integer tensor") }
        switch dataType {
        case .int64: return t
        case .int32: return TensorValue(shape: t.shape, values: v.map { Int32(truncatingIfNeeded: $0) })
        case .int16: return TensorValue(shape: t.shape, values: v.map { Int16(truncatingIfNeeded: $0) })
        case .int8: return TensorValue(shape: t.shape, values: v.map { Int8(truncatingIfNeeded: $0) })
        case .uint8: return TensorValue(shape: t.shape, values: v.map { UInt8(truncatingIfNeeded: $0) })
        case .uint16: return TensorValue(shape: t.shape, values: v.map { UInt16(truncatingIfNeeded: $0) })
        case .uint32: return TensorValue(shape: t.shape, values: v.map { UInt32(truncatingIfNeeded: $0) })
        case .uint64: return TensorValue(shape: t.shape, values: v.map { UInt64(truncatingIfNeeded: $0) })
        default: throw KernelError("Range does not support \(dataType)")
        }
    }
}
