// Plan-time fusion of an activation (Relu, or Clip with constant bounds) into the op that produces its
// input, when that op's output feeds nothing else and is not a graph output. The producer's float32 result
// is then clipped in place, instead of through a second tensor: one allocation and one pass over memory
// fewer, which is most of what Relu and Clip cost in a CNN (MobileNetV2's 35 Clips took 12 % of its time).
//
// The referee must not change the numbers: the fused pass applies the very functions the Relu and Clip
// kernels apply (`ReluOp`, `ClipKernel.Bounds`), and any other element type runs the activation's own
// kernel after the producer. Captured runs use the unfused steps, so every intermediate still exists there.

/// Finds producer → activation pairs among a graph's prepared steps and merges each into one step.
struct ActivationFusion {
    /// Ops that return a freshly allocated float32 tensor, so the in-place pass costs no copy.
    static let producers: Set<String> = ["Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div",
                                         "BatchNormalization"]

    /// The graph's initializers: where Clip's bounds must come from to be known at plan time.
    let constants: [String: RuntimeValue]
    /// Graph outputs, which must stay observable.
    let keep: Set<String>

    func fuse(_ steps: [PreparedStep]) -> [PreparedStep] {
        var readers: [String: [Int]] = [:]
        for (i, step) in steps.enumerated() {
            for name in step.reads { readers[name, default: []].append(i) }
        }
        var fused: [PreparedStep] = []
        var absorbed = Set<Int>()
        for (i, producer) in steps.enumerated() where !absorbed.contains(i) {
            guard let output = Self.singleOutput(producer), !keep.contains(output),
                  let consumers = readers[output], consumers.count == 1, let j = consumers.first, j > i,
                  let activation = activation(steps[j], reading: output) else {
                fused.append(producer)
                continue
            }
            let consumer = steps[j]
            absorbed.insert(j)
            let fusing = producer.kernel as? any ActivationFusing
            fused.append(PreparedStep(
                label: "\(producer.label) + \(consumer.label)", opType: "\(producer.opType)+\(consumer.opType)",
                domain: producer.domain,
                kernel: ActivationFusedKernel(producer: fusing?.fusing(activation) ?? producer.kernel,
                                              producerApplies: fusing != nil, activation: activation,
                                              activationKernel: consumer.kernel,
                                              otherInputs: consumer.inputs.dropFirst().map { $0.isEmpty ? nil : constants[$0] }),
                inputs: producer.inputs, outputs: consumer.outputs,
                reads: producer.reads.union(consumer.reads).subtracting([output])))
        }
        return fused
    }

    /// The producer's one output, when it is an op that allocates its result.
    private static func singleOutput(_ step: PreparedStep) -> String? {
        guard step.domain.isEmpty, producers.contains(step.opType), let first = step.outputs.first, !first.isEmpty,
              step.outputs.dropFirst().allSatisfy(\.isEmpty) else { return nil }
        return first
    }

    /// The activation `step` applies to `input`, when it is one this can fuse.
    private func activation(_ step: PreparedStep, reading input: String) -> FusedActivation? {
        guard step.domain.isEmpty, step.inputs.first == input, !step.inputs.dropFirst().contains(input),
              step.outputs.count == 1 else { return nil }
        switch step.opType {
        case "Relu":
            return step.inputs.count == 1 ? .relu : nil
        case "Clip":
            guard let clip = step.kernel as? ClipKernel else { return nil }
            if let bounds = clip.attributeBounds { return .clip(lo: bounds.lo, hi: bounds.hi) }
            guard let lo = bound(step.inputs, 1, default: -.infinity),
                  let hi = bound(step.inputs, 2, default: .infinity) else { return nil }
            return .clip(lo: lo, hi: hi)
        default:
            return nil
        }
    }

    /// Clip's bound input `index` as ClipKernel reads it: absent means unbounded; present, it must be a
    /// float32 scalar initializer (anything else is left to the Clip kernel, and its checks).
    private func bound(_ inputs: [String], _ index: Int, default unbounded: Float) -> Float? {
        guard index < inputs.count, !inputs[index].isEmpty else { return unbounded }
        guard case .tensor(let tensor)? = constants[inputs[index]], tensor.dataType == .float, tensor.count == 1 else {
            return nil
        }
        return tensor.values(Float.self)?.first
    }
}

/// A producer that applies a fused activation itself, to its float32 outputs, while they are still in
/// cache (Conv, tile by tile).
protocol ActivationFusing: Kernel {
    /// This kernel, applying `activation` to every float32 output it writes.
    func fusing(_ activation: FusedActivation) -> any Kernel
}

/// An activation applied in place to float32 values, by the functions of its own kernel.
enum FusedActivation: Sendable, Equatable {
    case relu
    case clip(lo: Float, hi: Float)

    /// Applies the activation to `count` values at `values`, in place.
    func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .relu: Self.map(values, count, ReluOp().apply)
        case .clip(let lo, let hi): Self.map(values, count, ClipKernel.Bounds(lo: lo, hi: hi).callAsFunction)
        }
    }

    /// Applies the activation to every element, on all cores.
    func apply(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let pointer = MutableFloats(base: base)
            // Chunks touch disjoint ranges of the buffer.
            Parallel.forChunks(buffer.count) { range in
                apply(pointer.base + range.lowerBound, count: range.count)
            }
        }
    }

    @inline(__always) private static func map(_ values: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Float) -> Float) {
        for i in 0..<count { values[i] = f(values[i]) }
    }

    private struct MutableFloats: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
    }
}

/// A producer and the activation fused into it. A float32 result has been activated by the producer
/// (`producerApplies`) or is activated here in place; any other result goes through the activation's own
/// kernel, with its other (constant) inputs.
struct ActivationFusedKernel: Kernel {
    let producer: any Kernel
    let producerApplies: Bool
    let activation: FusedActivation
    let activationKernel: any Kernel
    let otherInputs: [RuntimeValue?]

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        var results = try producer.run(inputs, context: context)
        guard !results.isEmpty else { return results }
        guard case .tensor(var tensor)? = results[0], tensor.dataType == .float, case .float(var values) = tensor.storage else {
            results[0] = try activationKernel.run([results[0]] + otherInputs, context: context).first ?? nil
            return results
        }
        if producerApplies { return results }
        // Drop the other references to the array first, so the in-place pass does not copy it.
        results[0] = nil
        tensor.storage = .bytes([])
        activation.apply(&values)
        tensor.storage = .float(values)
        results[0] = .tensor(tensor)
        return results
    }
}
