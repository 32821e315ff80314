import ONNX

/// Dropout (1, 6, 7, 10, 12, 13, 22). In inference it passes the data through and the optional mask is
/// all ones (of the data's type before 10, bool from 10). 1–10 read `ratio` (and 1/6 `is_test`) from
/// attributes and always run as inference. From 12 `ratio` and `training_mode` are optional inputs:
/// in training mode with ratio r > 0 each element is kept when a uniform [0, 1) draw is ≥ r and scaled
/// by 1/(1-r). The draws follow numpy's legacy `RandomState(seed).uniform` (MT19937), as onnx's
/// reference does, so a node with a `seed` attribute reproduces onnx's expected outputs; without one
/// the seed is 0.
enum DropoutKernels {
    static let registrations =
        KernelRegistration.versions("Dropout", [1, 6, 7, 10]) { context in
            let boolMask = context.opset >= 10
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                let mask = boolMask ? TensorValue(shape: x.shape, values: [Bool](repeating: true, count: x.count))
                    : try ShapeElements.transform(try ShapeElements.one(x.dataType), to: x.shape, RepeatFirst(count: x.count))
                return [.tensor(x), .tensor(mask)]
            }
        }
        + KernelRegistration.versions("Dropout", [12, 13, 22]) { context in
            let seed = try context.int("seed") ?? 0
            return ClosureKernel { inputs, _ in
                let x = try ShapeInputs.tensor(inputs, 0, "data")
                var ratio: Double = 0.5
                if let r = try ShapeInputs.optionalTensor(inputs, 1, "ratio") {
                    guard r.count == 1, let v = r.doubles()?.first else { throw KernelError("ratio must hold one number") }
                    ratio = v
                }
                var training = false
                if let t = try ShapeInputs.optionalTensor(inputs, 2, "training_mode") {
                    guard t.count == 1, let v = t.int64s()?.first else { throw KernelError("training_mode must hold one bool") }
                    training = v != 0
                }
                guard training && ratio > 0 else {
                    return [.tensor(x), .tensor(TensorValue(shape: x.shape, values: [Bool](repeating: true, count: x.count)))]
                }
                guard ratio < 1 else { throw KernelError("ratio \(ratio) must be below 1 in training mode") }
                guard x.dataType.isFloatingPoint, let values = x.floats() else {
                    throw KernelError("Dropout in training mode needs a floating-point input, got \(x.dataType)")
                }
                var generator = MT19937(seed: UInt32(truncatingIfNeeded: seed))
                let keep = (0..<x.count).map { _ in generator.nextDouble() >= ratio }
                let scale = Float(1 / (1 - ratio))
                let out = zip(values, keep).map { $1 ? $0 * scale : 0 }
                return [.tensor(TensorValue(floating: x.dataType, shape: x.shape, values: out)),
                        .tensor(TensorValue(shape: x.shape, values: keep))]
            }
        }
}

/// The Mersenne Twister as numpy's legacy RandomState seeds it from one integer (init_genrand) and
/// turns it into doubles in [0, 1) (53 bits from two draws).
struct MT19937 {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    mutating func next() -> UInt32 {
        if index >= 624 {
            for i in 0..<624 {
                let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
                state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 1 ? 0x9908_B0DF : 0)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    mutating func nextDouble() -> Double {
        let a = Double(next() >> 5), b = Double(next() >> 6)
        return (a * 67_108_864 + b) / 9_007_199_254_740_992
    }
}
