// BitCast (26): reinterprets each element's bits as the type `to`, without converting values (unlike
// Cast). Both types must have the same bit width, so the shape is unchanged; bytes are little-endian,
// the order the interpreter stores raw data in. Strings have no bit pattern and are rejected.

import ONNX

enum BitCastKernels {
    static let registrations = [KernelRegistration("BitCast", since: 26) { node in
        let code = try node.required("to", node.int)
        guard let target = DataType(rawValue: Int32(clamping: code)), target != .undefined, target != .string else {
            throw KernelError("BitCast: 'to' must be a numeric or bool data type, got \(code)")
        }
        return ClosureKernel { inputs, _ in
            let x = try ElementwiseInputs.tensor(inputs, 0, "BitCast")
            guard x.dataType != .string, x.dataType.bitWidth == target.bitWidth else {
                throw KernelError("BitCast: \(x.dataType) (\(x.dataType.bitWidth) bits) cannot be reinterpreted as \(target) (\(target.bitWidth) bits)")
            }
            let raw = try x.onnxTensor(name: "input").rawBytes()
            return [.tensor(TensorValue(dataType: target, shape: x.shape,
                                        storage: TensorValue.storage(raw: raw, dataType: target, count: x.count)))]
        }
    }]
}
