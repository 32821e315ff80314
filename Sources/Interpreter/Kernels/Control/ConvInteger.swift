import ONNX

/// ConvInteger (10): integer convolution `y = conv(x − x_zero_point, w − w_zero_point)` with an int32
/// result and no requantization (the zero-point-corrected core of QLinearConv). x and w are int8 or
/// uint8; `x_zero_point` is a scalar, `w_zero_point` a scalar or one value per output channel (both 0
/// when left out). Attributes as Conv: auto_pad, dilations, group, kernel_shape, pads, strides.
///
/// Why it runs the float Conv kernel in double: every product of two 8-bit values and every partial sum
/// below 2⁵³ is an exact double, so Conv's im2col + dgemm path gives the exact integer result, with the
/// same padding and group handling as Conv, without a second convolution loop.
enum ConvIntegerKernels {
    static let registrations = [KernelRegistration("ConvInteger", since: 10) { node in
        ConvIntegerKernel(conv: ConvKernel(spatial: try SpatialAttributes(node), group: try node.int("group", default: 1)))
    }]
}

struct ConvIntegerKernel: Kernel {
    let conv: ConvKernel

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "x"), w = try ControlArgs.tensor(inputs, 1, "w")
        for (t, name) in [(x, "x"), (w, "w")] where t.dataType != .int8 && t.dataType != .uint8 {
            throw KernelError("\(name) must be int8 or uint8, got \(t.dataType)")
        }
        guard w.rank >= 1 else { throw KernelError("w must have an output-channel axis, got \(w.shape)") }
        let xZero = try ControlArgs.optionalTensor(inputs, 2, "x_zero_point").map { try ControlArgs.ints($0, "x_zero_point") } ?? [0]
        let wZero = try ControlArgs.optionalTensor(inputs, 3, "w_zero_point").map { try ControlArgs.ints($0, "w_zero_point") } ?? [0]
        let outChannels = w.shape[0]
        guard xZero.count == 1 else { throw KernelError("x_zero_point must be a scalar, got \(xZero.count) values") }
        guard wZero.count == 1 || wZero.count == outChannels else {
            throw KernelError("w_zero_point must be a scalar or have \(outChannels) values, got \(wZero.count)")
        }
        let perChannel = w.count / max(outChannels, 1)
        let xs = try ControlArgs.ints(x, "x").map { Double($0 - xZero[0]) }
        let ws = try ControlArgs.ints(w, "w").enumerated().map { i, v in Double(v - wZero[wZero.count == 1 ? 0 : i / perChannel]) }
        let result = try conv.run([.tensor(TensorValue(shape: x.shape, values: xs)), .tensor(TensorValue(shape: w.shape, values: ws))],
                                  context: context)
        guard let y = result.first??.tensor, let values = y.doubles() else { throw KernelError("convolution produced no tensor") }
        return [.tensor(TensorValue(shape: y.shape, values: values.map { Int32(clamping: Int($0.rounded())) }))]
    }
}
