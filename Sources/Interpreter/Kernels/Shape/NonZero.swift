import ONNX

/// NonZero (9, 13): the coordinates of the non-zero elements, as an int64 [rank, count] tensor in
/// row-major order (a scalar counts as a one-element vector: shape [1, count]).
enum NonZeroKernels {
    static let registrations = KernelRegistration.versions("NonZero", [9, 13]) { _ in
        ClosureKernel { inputs, _ in
            let x = try ShapeInputs.tensor(inputs, 0, "X")
            let flags: [Bool]
            switch x.storage {
            case .bool(let v): flags = v
            case .string(let v): flags = v.map { !$0.isEmpty }
            default:
                guard let v = x.doubles() else { throw KernelError("NonZero does not support \(x.dataType)") }
                flags = v.map { $0 != 0 }
            }
            let positions = flags.indices.filter { flags[$0] }
            let rank = max(x.rank, 1)
            let shape = x.rank == 0 ? [1] : x.shape
            let strides = ShapeMath.strides(shape)
            var out = [Int64](repeating: 0, count: rank * positions.count)
            for (j, p) in positions.enumerated() {
                for d in 0..<rank { out[d * positions.count + j] = Int64((p / strides[d]) % shape[d]) }
            }
            return [.tensor(TensorValue(shape: [rank, positions.count], values: out))]
        }
    }
}
