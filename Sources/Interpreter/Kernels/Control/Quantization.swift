import Foundation
import ONNX

/// The linear quantization ops.
/// - QuantizeLinear (10, 13, 19, 21, 23, 24, 25, 28): `y = saturate(rint(x / y_scale) + y_zero_point)`.
///   10: per-tensor only. 13: per-axis scale (`axis`). 19: float8 outputs (e4m3fn, e5m2 and their fnuz variants; the zero point
///   is not added) with `saturate`. 21: blocked scales (`block_size`), `output_dtype`, 4-bit types.
///   23: `precision` (the division is done in float32 here) and float4e2m1 (zero point added before the
///   cast). 24/25/28 widen the types (2-bit integers). The output type is the zero point's, else
///   `output_dtype`, else uint8.
/// - DequantizeLinear (same versions): `y = (x − x_zero_point) · x_scale` in the scale's type (or
///   `output_dtype` from 23); the zero point is ignored for float8/float4 inputs.
/// - DynamicQuantizeLinear (11): uint8 quantization with scale and zero point from the data range
///   (which always includes 0).
/// - QLinearMatMul (10, 21): `y = saturate(rint((a − a_zp)·(b − b_zp) · a_scale·b_scale / y_scale) + y_zp)`;
///   21 adds float16 scales (the scale product is rounded to float16 as the reference does).
enum QuantizationKernels {
    static let registrations: [KernelRegistration] =
        KernelRegistration.versions("QuantizeLinear", [10, 13, 19, 21, 23, 24, 25, 28]) { node in
            QuantizeLinearKernel(
                axis: node.opset >= 13 ? try node.int("axis", default: 1) : 1,
                saturate: node.opset >= 19 ? try node.int("saturate", default: 1) != 0 : true,
                blockSize: node.opset >= 21 ? try node.int("block_size", default: 0) : 0,
                outputType: node.opset >= 21 ? try dataType(node.int("output_dtype", default: 0)) : nil)
        }
        + KernelRegistration.versions("DequantizeLinear", [10, 13, 19, 21, 23, 24, 25, 28]) { node in
            DequantizeLinearKernel(
                axis: node.opset >= 13 ? try node.int("axis", default: 1) : 1,
                blockSize: node.opset >= 21 ? try node.int("block_size", default: 0) : 0,
                outputType: node.opset >= 23 ? try dataType(node.int("output_dtype", default: 0)) : nil)
        }
        + [KernelRegistration("DynamicQuantizeLinear", since: 11) { _ in DynamicQuantizeLinearKernel() }]
        + KernelRegistration.versions("QLinearMatMul", [10, 21]) { _ in QLinearMatMulKernel() }

    static func dataType(_ code: Int) throws -> DataType? {
        guard code != 0 else { return nil }
        guard let type = DataType(rawValue: Int32(code)) else { throw KernelError("unknown output_dtype \(code)") }
        return type
    }

    /// `value` rounded to the precision of `type` (float16/bfloat16), else unchanged.
    @inline(__always)
    static func round(_ value: Float, to type: DataType) -> Float {
        switch type {
        case .float16: return HalfPrecision.float16ToFloat(HalfPrecision.floatToFloat16(value))
        case .bfloat16: return HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBFloat16(value))
        default: return value
        }
    }
}

struct QuantizeLinearKernel: Kernel {
    let axis: Int
    let saturate: Bool
    let blockSize: Int
    let outputType: DataType?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "x")
        let scale = try ControlArgs.tensor(inputs, 1, "y_scale")
        let zeroPoint = try ControlArgs.optionalTensor(inputs, 2, "y_zero_point")
        if let zeroPoint, let outputType, zeroPoint.dataType != outputType {
            throw KernelError("output_dtype \(outputType) does not match the zero point's type \(zeroPoint.dataType)")
        }
        let type = zeroPoint?.dataType ?? outputType ?? .uint8
        let xs = try ControlArgs.floats(x, "x")
        let scales = try ControlArgs.floats(scale, "y_scale")
        let layout = try QuantizationLayout(x: x.shape, parameter: scale.shape, axis: axis, blockSize: blockSize, name: "y_scale")
        let index = layout.perTensor ? [Int](repeating: 0, count: xs.count) : layout.indices()
        let zeros: [Float]
        if let zeroPoint {
            guard zeroPoint.shape == scale.shape || zeroPoint.count == scale.count else {
                throw KernelError("y_zero_point \(zeroPoint.shape) must have the shape of y_scale \(scale.shape)")
            }
            zeros = try QuantizedCodec.decode(zeroPoint)
        } else {
            zeros = [Float](repeating: 0, count: scales.count)
        }
        let halfDivision = x.dataType == scale.dataType && (x.dataType == .float16 || x.dataType == .bfloat16)
        if layout.perTensor && !halfDivision, let (lo, hi) = QuantizedCodec.integerRange(type) {
            // The common case, written straight into the output type.
            let (factor, zero) = (scales[0], zeros[0])
            func quantize<T: FixedWidthInteger>(_: T.Type) -> [T] {
                [T](unsafeUninitializedCapacity: xs.count) { out, initialized in
                    xs.withUnsafeBufferPointer { source in
                        // Round half to even by the 1.5·2²³ trick (exact for |q| ≤ 2²², and anything
                        // larger saturates anyway); NaN saturates to the lower bound.
                        let bound: Float = 4_194_304, magic: Float = 12_582_912
                        for k in 0..<source.count {
                            var q = source[k] / factor
                            q = q > bound ? bound : q < -bound ? -bound : q
                            let r = (q + magic) - magic + zero
                            out[k] = T(r >= hi ? hi : r > lo ? r : lo)
                        }
                    }
                    initialized = xs.count
                }
            }
            switch type {
            case .uint8: return [.tensor(TensorValue(shape: x.shape, values: quantize(UInt8.self)))]
            case .int8: return [.tensor(TensorValue(shape: x.shape, values: quantize(Int8.self)))]
            case .uint16: return [.tensor(TensorValue(shape: x.shape, values: quantize(UInt16.self)))]
            case .int16: return [.tensor(TensorValue(shape: x.shape, values: quantize(Int16.self)))]
            default: break
            }
        }
        var values = [Float](repeating: 0, count: xs.count)
        if let (lo, hi) = QuantizedCodec.integerRange(type) {
            for k in 0..<xs.count {
                var q = xs[k] / scales[index[k]]
                if halfDivision { q = QuantizationKernels.round(q, to: x.dataType) }
                values[k] = min(hi, max(lo, q.rounded(.toNearestOrEven) + zeros[index[k]]))
            }
        } else if QuantizedCodec.isSmallFloat(type) {
            let addZero = type == .float4e2m1
            for k in 0..<xs.count {
                var q = xs[k] / scales[index[k]]
                if halfDivision { q = QuantizationKernels.round(q, to: x.dataType) }
                values[k] = addZero ? q + zeros[index[k]] : q
            }
        } else {
            throw KernelError("unsupported quantized type \(type)")
        }
        return [.tensor(try QuantizedCodec.encode(values, type: type, shape: x.shape, saturate: saturate))]
    }
}

struct DequantizeLinearKernel: Kernel {
    let axis: Int
    let blockSize: Int
    let outputType: DataType?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "x")
        let scale = try ControlArgs.tensor(inputs, 1, "x_scale")
        let zeroPoint = try ControlArgs.optionalTensor(inputs, 2, "x_zero_point")
        let xs = try QuantizedCodec.decode(x)
        let scales = try ControlArgs.floats(scale, "x_scale")
        let layout = try QuantizationLayout(x: x.shape, parameter: scale.shape, axis: axis, blockSize: blockSize, name: "x_scale")
        var zeros = [Float](repeating: 0, count: scales.count)
        if let zeroPoint, !QuantizedCodec.isSmallFloat(x.dataType) {
            guard zeroPoint.dataType == x.dataType else {
                throw KernelError("x_zero_point is \(zeroPoint.dataType), x is \(x.dataType)")
            }
            guard zeroPoint.count == scales.count else {
                throw KernelError("x_zero_point \(zeroPoint.shape) must have the shape of x_scale \(scale.shape)")
            }
            zeros = try QuantizedCodec.decode(zeroPoint)
        }
        var values = [Float](repeating: 0, count: xs.count)
        if layout.perTensor {
            let (zero, factor) = (zeros[0], scales[0])
            for k in 0..<xs.count { values[k] = (xs[k] - zero) * factor }
        } else {
            let index = layout.indices()
            for k in 0..<xs.count { values[k] = (xs[k] - zeros[index[k]]) * scales[index[k]] }
        }
        let type = outputType ?? scale.dataType
        guard ControlArgs.isFloating(type) else { throw KernelError("output type \(type) must be floating point") }
        return [.tensor(TensorValue(floating: type, shape: x.shape, values: values))]
    }
}

struct DynamicQuantizeLinearKernel: Kernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "x")
        let xs = try ControlArgs.floats(x, "x")
        var lo: Float = 0, hi: Float = 0
        for v in xs { lo = min(lo, v); hi = max(hi, v) }
        let scale = (hi - lo) / 255
        let zeroPoint = scale == 0 ? 0 : min(255, max(0, (0 - lo / scale).rounded(.toNearestOrEven)))
        let values = xs.map { v -> UInt8 in
            guard scale != 0 else { return UInt8(zeroPoint) }
            return UInt8(min(255, max(0, (v / scale).rounded(.toNearestOrEven) + zeroPoint)))
        }
        return [.tensor(TensorValue(shape: x.shape, values: values)),
                .tensor(.scalar(scale)),
                .tensor(.scalar(UInt8(zeroPoint)))]
    }
}

struct QLinearMatMulKernel: Kernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try ControlArgs.tensor(inputs, 0, "a")
        let aScale = try ControlArgs.tensor(inputs, 1, "a_scale")
        let aZero = try ControlArgs.optionalTensor(inputs, 2, "a_zero_point")
        let b = try ControlArgs.tensor(inputs, 3, "b")
        let bScale = try ControlArgs.tensor(inputs, 4, "b_scale")
        let bZero = try ControlArgs.optionalTensor(inputs, 5, "b_zero_point")
        let yScale = try ControlArgs.tensor(inputs, 6, "y_scale")
        let yZero = try ControlArgs.optionalTensor(inputs, 7, "y_zero_point")
        guard a.rank >= 2, b.rank >= 2 else { throw KernelError("a and b must have rank ≥ 2, got \(a.shape) and \(b.shape)") }
        let (m, k, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 1])
        guard b.shape[b.rank - 2] == k else { throw KernelError("cannot multiply \(a.shape) by \(b.shape)") }
        let av = try ControlArgs.ints(a, "a"), bv = try ControlArgs.ints(b, "b")
        let aZ = try aZero.map { try ControlArgs.ints($0, "a_zero_point") } ?? [0]
        let bZ = try bZero.map { try ControlArgs.ints($0, "b_zero_point") } ?? [0]
        let yZ = try yZero.map { try ControlArgs.floats($0, "y_zero_point") } ?? [0]
        let aS = try ControlArgs.floats(aScale, "a_scale"), bS = try ControlArgs.floats(bScale, "b_scale"), yS = try ControlArgs.floats(yScale, "y_scale")
        guard aZ.count == 1 || aZ.count == m, aS.count == 1 || aS.count == m,
              bZ.count == 1 || bZ.count == n, bS.count == 1 || bS.count == n, yS.count == 1, yZ.count == 1 else {
            throw KernelError("QLinearMatMul supports per-tensor scales, per-row a and per-column b parameters")
        }
        let outType = yZero?.dataType ?? a.dataType
        guard let (lo, hi) = QuantizedCodec.integerRange(outType) else { throw KernelError("unsupported output type \(outType)") }
        let batchShape = try Broadcast.shape([Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))])
        let batches = try ShapeMath.checkedCount(batchShape)
        try ShapeMath.checkedCount(batchShape + [m, n], elementSize: MemoryLayout<Float>.stride, of: "QLinearMatMul output")
        let aOffsets = Broadcast.offsets(of: Array(a.shape.dropLast(2)), broadcastTo: batchShape)
        let bOffsets = Broadcast.offsets(of: Array(b.shape.dropLast(2)), broadcastTo: batchShape)
        let scaleType = aScale.dataType
        var result = [Float](repeating: 0, count: batches * m * n)
        for batch in 0..<batches {
            let aBase = (aOffsets.isEmpty ? 0 : aOffsets[batch]) * m * k
            let bBase = (bOffsets.isEmpty ? 0 : bOffsets[batch]) * k * n
            for i in 0..<m {
                let az = aZ.count == 1 ? aZ[0] : aZ[i]
                for j in 0..<n {
                    let bz = bZ.count == 1 ? bZ[0] : bZ[j]
                    var sum = 0
                    for p in 0..<k { sum += (av[aBase + i * k + p] - az) * (bv[bBase + p * n + j] - bz) }
                    let product = QuantizationKernels.round((aS.count == 1 ? aS[0] : aS[i]) * (bS.count == 1 ? bS[0] : bS[j]), to: scaleType)
                    let multiplier = QuantizationKernels.round(product / yS[0], to: scaleType)
                    let d = Double(sum) * Double(multiplier) + Double(yZ[0])
                    result[(batch * m + i) * n + j] = Float(min(Double(hi), max(Double(lo), d.rounded(.toNearestOrEven))))
                }
            }
        }
        return [.tensor(try QuantizedCodec.encode(result, type: outType, shape: batchShape + [m, n], saturate: true))]
    }
}
