import ONNX

/// QLinearConv (10): integer convolution of (x − x_zero_point) with (w − w_zero_point) plus the int32
/// bias, then requantized: `y = saturate(rint(acc · x_scale · w_scale / y_scale) + y_zero_point)`.
/// `w_scale` and `w_zero_point` may be per output channel. Attributes as Conv: auto_pad, dilations,
/// group, kernel_shape, pads, strides; any number of spatial dimensions.
enum QLinearConvKernels {
    static let registrations = [KernelRegistration("QLinearConv", since: 10) { node in
        QLinearConvKernel(
            autoPad: try node.string("auto_pad", default: "NOTSET"),
            dilations: try node.ints("dilations"),
            group: try node.int("group", default: 1),
            kernelShape: try node.ints("kernel_shape"),
            pads: try node.ints("pads"),
            strides: try node.ints("strides"))
    }]
}

struct QLinearConvKernel: Kernel {
    let autoPad: String
    let dilations: [Int]?
    let group: Int
    let kernelShape: [Int]?
    let pads: [Int]?
    let strides: [Int]?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "x")
        let xScale = try ControlArgs.floats(try ControlArgs.tensor(inputs, 1, "x_scale"), "x_scale")
        let xZero = try ControlArgs.ints(try ControlArgs.tensor(inputs, 2, "x_zero_point"), "x_zero_point")
        let w = try ControlArgs.tensor(inputs, 3, "w")
        let wScale = try ControlArgs.floats(try ControlArgs.tensor(inputs, 4, "w_scale"), "w_scale")
        let wZero = try ControlArgs.ints(try ControlArgs.tensor(inputs, 5, "w_zero_point"), "w_zero_point")
        let yScaleTensor = try ControlArgs.tensor(inputs, 6, "y_scale")
        let yScale = try ControlArgs.floats(yScaleTensor, "y_scale")
        let yZeroTensor = try ControlArgs.tensor(inputs, 7, "y_zero_point")
        let yZero = try ControlArgs.floats(yZeroTensor, "y_zero_point")
        let bias = try ControlArgs.optionalTensor(inputs, 8, "B").map { try ControlArgs.ints($0, "B") }
        guard x.rank >= 3, w.rank == x.rank else { throw KernelError("x \(x.shape) and w \(w.shape) must have the same rank ≥ 3") }
        let spatial = x.rank - 2
        let (batch, channels, outChannels) = (x.shape[0], x.shape[1], w.shape[0])
        guard group > 0, channels % group == 0, outChannels % group == 0, w.shape[1] == channels / group else {
            throw KernelError("w \(w.shape) does not fit x \(x.shape) with group \(group)")
        }
        guard xScale.count == 1, xZero.count == 1, yScale.count == 1, yZero.count == 1,
              wScale.count == 1 || wScale.count == outChannels, wZero.count == 1 || wZero.count == outChannels else {
            throw KernelError("x/y scales and zero points must be scalars; w's may be per output channel")
        }
        if let bias, bias.count != outChannels { throw KernelError("B must have \(outChannels) entries") }
        let kernel = Array(w.shape[2...])
        if let kernelShape, kernelShape != kernel { throw KernelError("kernel_shape \(kernelShape) does not match w \(w.shape)") }
        let inSize = Array(x.shape[2...])
        let stride = strides ?? Array(repeating: 1, count: spatial)
        let dilation = dilations ?? Array(repeating: 1, count: spatial)
        guard stride.count == spatial, dilation.count == spatial else { throw KernelError("strides/dilations must have \(spatial) entries") }
        guard stride.allSatisfy({ $0 > 0 }), dilation.allSatisfy({ $0 > 0 }), (pads ?? []).allSatisfy({ $0 >= 0 }) else {
            throw KernelError("strides and dilations must be positive and pads non-negative, got \(stride), \(dilation), \(pads ?? [])")
        }
        let extents = try (0..<spatial).map { try SpatialGeometry.dilatedWindow(kernel[$0], dilation[$0]) }
        var begin = [Int](repeating: 0, count: spatial), end = [Int](repeating: 0, count: spatial)
        switch autoPad {
        case "NOTSET":
            if let pads {
                guard pads.count == 2 * spatial else { throw KernelError("pads must have \(2 * spatial) entries") }
                begin = Array(pads[..<spatial]); end = Array(pads[spatial...])
            }
        case "VALID": break
        case "SAME_UPPER", "SAME_LOWER":
            for d in 0..<spatial {
                let out = SpatialGeometry.floorDiv(inSize[d] - 1, stride[d]) + 1
                let covered = try ShapeMath.add(try ShapeMath.multiply(out - 1, stride[d], "strides"), extents[d], "strides")
                let total = max(0, covered - inSize[d])
                begin[d] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                end[d] = total - begin[d]
            }
        default: throw KernelError("unsupported auto_pad '\(autoPad)'")
        }
        var outSize = [Int](repeating: 0, count: spatial)
        for d in 0..<spatial {
            let padded = try ShapeMath.add(inSize[d], try ShapeMath.add(begin[d], end[d], "pads"), "pads")
            outSize[d] = SpatialGeometry.floorDiv(padded - extents[d], stride[d]) + 1
        }
        guard outSize.allSatisfy({ $0 > 0 }) else { throw KernelError("output size \(outSize) is empty") }
        try ShapeMath.checkedCount([batch, outChannels] + outSize, elementSize: 4, of: "QLinearConv output")
        let xv = try ControlArgs.ints(x, "x"), wv = try ControlArgs.ints(w, "w")
        let inCount = inSize.reduce(1, *), outCount = outSize.reduce(1, *), kCount = kernel.reduce(1, *)
        let perGroupIn = channels / group, perGroupOut = outChannels / group
        // Offsets of each kernel tap relative to the window origin, and its coordinates.
        var taps: [[Int]] = []
        for t in 0..<kCount {
            var rest = t, coords = [Int](repeating: 0, count: spatial)
            for d in (0..<spatial).reversed() { coords[d] = rest % kernel[d]; rest /= kernel[d] }
            taps.append(coords)
        }
        let outType = yZeroTensor.dataType
        guard let (lo, hi) = QuantizedCodec.integerRange(outType) else { throw KernelError("unsupported output type \(outType)") }
        let scaleType = yScaleTensor.dataType
        var result = [Float](repeating: 0, count: batch * outChannels * outCount)
        var position = [Int](repeating: 0, count: spatial)
        for n in 0..<batch {
            for oc in 0..<outChannels {
                let g = oc / perGroupOut
                let wz = wZero.count == 1 ? wZero[0] : wZero[oc]
                let multiplier = QuantizationKernels.round(
                    QuantizationKernels.round(xScale[0] * (wScale.count == 1 ? wScale[0] : wScale[oc]), to: scaleType) / yScale[0], to: scaleType)
                for o in 0..<outCount {
                    var rest = o
                    for d in (0..<spatial).reversed() { position[d] = rest % outSize[d]; rest /= outSize[d] }
                    var acc = bias?[oc] ?? 0
                    for (t, coords) in taps.enumerated() {
                        var offset = 0, inside = true
                        for d in 0..<spatial {
                            let p = position[d] * stride[d] - begin[d] + coords[d] * dilation[d]
                            if p < 0 || p >= inSize[d] { inside = false; break }
                            offset = offset * inSize[d] + p
                        }
                        guard inside else { continue }
                        for c in 0..<perGroupIn {
                            let ic = g * perGroupIn + c
                            let xq = xv[(n * channels + ic) * inCount + offset] - xZero[0]
                            let wq = wv[(oc * perGroupIn + c) * kCount + t] - wz
                            acc += xq * wq
                        }
                    }
                    let value = Double(acc) * Double(multiplier) + Double(yZero[0])
                    result[(n * outChannels + oc) * outCount + o] = Float(min(Double(hi), max(Double(lo), value.rounded(.toNearestOrEven))))
                }
            }
        }
        return [.tensor(try QuantizedCodec.encode(result, type: outType, shape: [batch, outChannels] + outSize, saturate: true))]
    }
}
