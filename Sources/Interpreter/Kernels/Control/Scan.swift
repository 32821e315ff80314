import ONNX

/// Scan (8, 9, 11, 16, 19, 21, 23, 24, 25): runs `body` once per slice of the scan inputs, threading
/// the state variables through and stacking the per-iteration scan outputs.
/// - 8: every input has a leading batch axis (scan axis 1), an optional first input `sequence_lens`
///   gives each batch entry's length (outputs past it are zero), and `directions` reverses inputs.
/// - 9 and later: no batch axis; `scan_input_axes`/`scan_input_directions` pick the axis and order of
///   each scan input, `scan_output_axes`/`scan_output_directions` where and in which order outputs are
///   stacked. 11+ allow negative axes; the later versions only add element types.
enum ScanKernels {
    static let registrations: [KernelRegistration] =
        [KernelRegistration("Scan", since: 8) { node in
            Scan8Kernel(
                body: try node.subgraph("body"),
                scanInputCount: try node.required("num_scan_inputs", node.int),
                directions: try node.ints("directions") ?? [])
        }]
        + KernelRegistration.versions("Scan", [9, 11, 16, 19, 21, 23, 24, 25]) { node in
            ScanKernel(
                body: try node.subgraph("body"),
                scanInputCount: try node.required("num_scan_inputs", node.int),
                inputAxes: try node.ints("scan_input_axes") ?? [],
                inputDirections: try node.ints("scan_input_directions") ?? [],
                outputAxes: try node.ints("scan_output_axes") ?? [],
                outputDirections: try node.ints("scan_output_directions") ?? [])
        }

    /// Runs the body over `length` steps. `scans` have the scan axis first; `reversed[j]` walks input j
    /// from its end. Returns the final states and each scan output's per-step slices in step order.
    static func iterate(
        body: GraphPlan, states initial: [RuntimeValue?], scans: [TensorValue], reversed: [Bool], length: Int,
        context: ExecutionContext
    ) throws -> (states: [RuntimeValue?], outputs: [[TensorValue]]) {
        var states = initial
        let stateCount = states.count
        let outputCount = body.outputs.count - stateCount
        guard outputCount >= 0, body.inputs.count == stateCount + scans.count else {
            throw KernelError("body has \(body.inputs.count) inputs and \(body.outputs.count) outputs for \(stateCount) states and \(scans.count) scan inputs")
        }
        var outputs = [[TensorValue]](repeating: [], count: outputCount)
        let inner = scans.map { $0.shape.dropFirst().reduce(1, *) }
        for step in 0..<length {
            var arguments = states
            for (j, scan) in scans.enumerated() {
                let index = reversed[j] ? length - 1 - step : step
                let range = (index * inner[j])..<((index + 1) * inner[j])
                arguments.append(.tensor(ElementMoves.slice(scan, range: range, shape: Array(scan.shape.dropFirst()))))
            }
            let results = try context.run(body, inputs: arguments)
            for k in 0..<stateCount {
                guard let value = results[k] else { throw KernelError("body did not compute state output '\(body.outputs[k].name)'") }
                states[k] = value
            }
            for k in 0..<outputCount {
                guard let value = results[stateCount + k], case .tensor(let tensor) = value else {
                    throw KernelError("body scan output '\(body.outputs[stateCount + k].name)' must be a tensor")
                }
                outputs[k].append(tensor)
            }
        }
        return (states, outputs)
    }
}

struct ScanKernel: Kernel {
    let body: GraphPlan
    let scanInputCount: Int
    let inputAxes: [Int]
    let inputDirections: [Int]
    let outputAxes: [Int]
    let outputDirections: [Int]

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let stateCount = inputs.count - scanInputCount
        guard stateCount >= 0 else { throw KernelError("Scan has \(inputs.count) inputs, fewer than num_scan_inputs \(scanInputCount)") }
        var scans: [TensorValue] = []
        var length: Int? = nil
        for j in 0..<scanInputCount {
            let tensor = try ControlArgs.tensor(inputs, stateCount + j, "scan input \(j)")
            guard tensor.rank >= 1 else { throw KernelError("scan input \(j) must have rank ≥ 1") }
            let axis = try ControlArgs.axis(j < inputAxes.count ? inputAxes[j] : 0, rank: tensor.rank, "scan_input_axes[\(j)]")
            let moved = ElementMoves.moveAxis(tensor, from: axis, to: 0)
            if let length, length != moved.shape[0] {
                throw KernelError("scan inputs disagree on the sequence length: \(length) vs \(moved.shape[0])")
            }
            length = moved.shape[0]
            scans.append(moved)
        }
        let reversed = (0..<scanInputCount).map { $0 < inputDirections.count && inputDirections[$0] == 1 }
        let (states, outputs) = try ScanKernels.iterate(
            body: body, states: Array(inputs[0..<stateCount]), scans: scans, reversed: reversed,
            length: length ?? 0, context: context)
        var results = states
        for (k, slices) in outputs.enumerated() {
            let declared = body.outputs[stateCount + k]
            var stacked: TensorValue
            if slices.isEmpty {
                let (dataType, dims) = ElementMoves.declared(declared)
                stacked = ElementMoves.empty(dataType, shape: [0] + (dims ?? []))
            } else {
                let ordered = k < outputDirections.count && outputDirections[k] == 1 ? slices.reversed() : slices
                stacked = try ElementMoves.stack(ordered)
            }
            let axis = try ControlArgs.axis(k < outputAxes.count ? outputAxes[k] : 0, rank: stacked.rank, "scan_output_axes[\(k)]")
            stacked = ElementMoves.moveAxis(stacked, from: 0, to: axis)
            results.append(.tensor(stacked))
        }
        return results
    }
}

struct Scan8Kernel: Kernel {
    let body: GraphPlan
    let scanInputCount: Int
    let directions: [Int]

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let lengths = try ControlArgs.optionalTensor(inputs, 0, "sequence_lens").map { try ControlArgs.ints($0, "sequence_lens") }
        let stateCount = inputs.count - 1 - scanInputCount
        guard stateCount >= 0 else { throw KernelError("Scan has \(inputs.count) inputs, too few for num_scan_inputs \(scanInputCount)") }
        let states = try (0..<stateCount).map { try ControlArgs.tensor(inputs, 1 + $0, "state \($0)") }
        let scans = try (0..<scanInputCount).map { try ControlArgs.tensor(inputs, 1 + stateCount + $0, "scan input \($0)") }
        guard let batch = (states + scans).first?.shape.first else { throw KernelError("Scan-8 needs batched inputs") }
        var maxLength = 0
        for (j, scan) in scans.enumerated() {
            guard scan.rank >= 2, scan.shape[0] == batch else {
                throw KernelError("scan input \(j) must be [batch, sequence, ...] with batch \(batch), got \(scan.shape)")
            }
            maxLength = max(maxLength, scan.shape[1])
        }
        for (i, state) in states.enumerated() where state.shape.first != batch {
            throw KernelError("state \(i) must have batch \(batch) first, got \(state.shape)")
        }
        if let lengths, lengths.count != batch { throw KernelError("sequence_lens has \(lengths.count) entries for batch \(batch)") }
        let reversed = (0..<scanInputCount).map { $0 < directions.count && directions[$0] == 1 }
        var finalStates = [[TensorValue]](repeating: [], count: stateCount)
        var scanOutputs: [[TensorValue]] = []
        for b in 0..<batch {
            func row(_ t: TensorValue) -> TensorValue {
                let inner = t.shape.dropFirst().reduce(1, *)
                return ElementMoves.slice(t, range: (b * inner)..<((b + 1) * inner), shape: Array(t.shape.dropFirst()))
            }
            let length = lengths?[b] ?? maxLength
            guard length >= 0, length <= maxLength else { throw KernelError("sequence_lens[\(b)] = \(length) is out of range") }
            let batchScans = scans.map { scan -> TensorValue in
                let r = row(scan)
                let inner = r.shape.dropFirst().reduce(1, *)
                return ElementMoves.slice(r, range: 0..<(length * inner), shape: [length] + r.shape.dropFirst())
            }
            let (s, outputs) = try ScanKernels.iterate(
                body: body, states: states.map { .tensor(row($0)) }, scans: batchScans, reversed: reversed,
                length: length, context: context)
            for k in 0..<stateCount {
                guard case .tensor(let t) = s[k] else { throw KernelError("state output \(k) must be a tensor") }
                finalStates[k].append(t)
            }
            if scanOutputs.isEmpty { scanOutputs = [[TensorValue]](repeating: [], count: outputs.count) }
            for (k, slices) in outputs.enumerated() {
                guard let first = slices.first else {
                    throw KernelError("Scan-8 with a zero-length sequence is not supported")
                }
                var padded = slices
                if slices.count < maxLength {
                    let zero = try ControlZeros.like(first)
                    padded += Array(repeating: zero, count: maxLength - slices.count)
                }
                scanOutputs[k].append(try ElementMoves.stack(padded))
            }
        }
        var results: [RuntimeValue?] = try finalStates.map { .tensor(try ElementMoves.stack($0)) }
        for slices in scanOutputs { results.append(.tensor(try ElementMoves.stack(slices))) }
        return results
    }
}

/// Zero-filled tensors of a given type.
enum ControlZeros {
    static func like(_ tensor: TensorValue) throws -> TensorValue {
        let n = tensor.count
        let storage: TensorStorage
        switch tensor.storage {
        case .float: storage = .float(.init(repeating: 0, count: n))
        case .double: storage = .double(.init(repeating: 0, count: n))
        case .half: storage = .half(.init(repeating: 0, count: n))
        case .int8: storage = .int8(.init(repeating: 0, count: n))
        case .int16: storage = .int16(.init(repeating: 0, count: n))
        case .int32: storage = .int32(.init(repeating: 0, count: n))
        case .int64: storage = .int64(.init(repeating: 0, count: n))
        case .uint8: storage = .uint8(.init(repeating: 0, count: n))
        case .uint16: storage = .uint16(.init(repeating: 0, count: n))
        case .uint32: storage = .uint32(.init(repeating: 0, count: n))
        case .uint64: storage = .uint64(.init(repeating: 0, count: n))
        case .bool: storage = .bool(.init(repeating: false, count: n))
        case .string: storage = .string(.init(repeating: "", count: n))
        case .bytes(let v): storage = .bytes(.init(repeating: 0, count: v.count))
        }
        return TensorValue(dataType: tensor.dataType, shape: tensor.shape, storage: storage)
    }
}
