import ONNX

/// The reference interpreter: prepares a model once, then runs it on given inputs.
public struct Interpreter: Sendable {
    public let plan: GraphPlan

    /// Plans `model`; fails listing every op that has no kernel.
    public init(model: Model, registry: KernelRegistry = .standard) throws {
        guard let graph = model.graph else { throw InterpreterError.invalidModel("model has no graph") }
        var opsets: [String: Int] = [:]
        for opset in model.opsetImports {
            opsets[OpSchemaRegistry.canonicalDomain(opset.domain)] = Int(clamping: opset.version)
        }
        let planner = GraphPlanner(registry: registry, opsets: opsets)
        let missing = planner.missingOps(in: graph)
        guard missing.isEmpty else { throw InterpreterError.unsupportedOps(missing) }
        plan = try planner.plan(graph, outerNames: [], isMain: true)
    }

    public var inputs: [Value] { plan.inputs }
    public var outputs: [Value] { plan.outputs }

    public struct Result: Sendable {
        /// Graph outputs in order.
        public var outputs: [(name: String, value: RuntimeValue)]
        /// Every value computed, when asked for.
        public var intermediates: [String: RuntimeValue]
    }

    /// Runs the model. Inputs are checked against the declared names, types and shapes first. Each
    /// kernel's time is added to `profile` when one is given. `fuseActivations: false` runs every node on
    /// its own, as captured runs always do; the outputs are the same bits either way.
    public func run(_ inputs: [String: RuntimeValue], captureIntermediates: Bool = false,
                    profile: OpProfile? = nil, fuseActivations: Bool = true) throws -> Result {
        try InputValidation(declared: plan.inputs).check(inputs)
        var captured: [String: RuntimeValue] = [:]
        let values = try Executor.execute(
            plan, inputs: inputs, parent: nil,
            capture: captureIntermediates ? { captured[$0] = $1 } : nil, profile: profile, fused: fuseActivations)
        var outputs: [(name: String, value: RuntimeValue)] = []
        for (declared, value) in zip(plan.outputs, values) {
            guard let value else {
                throw InterpreterError.invalidModel("graph output '\(declared.name)' was not computed")
            }
            outputs.append((declared.name, value))
        }
        return Result(outputs: outputs, intermediates: captured)
    }
}

/// Checks inputs against the graph's declared inputs: names, element types, and shapes, with each
/// symbolic dimension bound to one size across all inputs.
struct InputValidation {
    let declared: [Value]

    func check(_ inputs: [String: RuntimeValue]) throws {
        let names = declared.map(\.name)
        for name in inputs.keys.sorted() where !names.contains(name) {
            throw InterpreterError.unexpectedInput(name, expected: names)
        }
        var symbols: [String: Int] = [:]
        for input in declared {
            guard let value = inputs[input.name] else { throw InterpreterError.missingInput(input.name) }
            guard let (elementType, shape) = input.type?.tensorType else { continue }
            guard case .tensor(let tensor) = value else {
                throw InterpreterError.inputTypeMismatch(input: input.name, expected: "a tensor", got: value.kindDescription)
            }
            try Self.checkStorage(tensor, input: input.name)
            if let elementType, elementType != tensor.dataType {
                throw InterpreterError.inputTypeMismatch(input: input.name, expected: "\(elementType)", got: "\(tensor.dataType)")
            }
            guard let shape else { continue }
            try checkShape(tensor.shape, against: shape, input: input.name, symbols: &symbols)
        }
    }

    /// A tensor built by a caller can disagree with itself: its shape must be countable and match the
    /// elements it holds, or kernels index past them.
    static func checkStorage(_ tensor: TensorValue, input: String) throws {
        let count: Int
        do {
            count = try ShapeMath.checkedCount(tensor.shape, of: tensor.dataType, what: "")
        } catch {
            throw InterpreterError.badTensor(name: input, reason: "\(error)")
        }
        if case .bytes(let bytes) = tensor.storage {
            // Packed types: compare bytes, as raw_data holds them.
            let needed = tensor.dataType.byteCount(elements: count)
            guard bytes.count == needed else {
                throw InterpreterError.badTensor(name: input, reason: "shape \(tensor.shape) needs \(needed) bytes, it holds \(bytes.count)")
            }
            return
        }
        let held = ShapeElements.elementCount(tensor)
        guard held == count else {
            throw InterpreterError.badTensor(name: input, reason: "shape \(tensor.shape) needs \(count) elements, it holds \(held)")
        }
    }

    private func checkShape(_ actual: [Int], against shape: TensorShape, input: String, symbols: inout [String: Int]) throws {
        let mismatch = InterpreterError.inputShapeMismatch(input: input, expected: shape.description, got: actual)
        guard actual.count == shape.rank else { throw mismatch }
        for (size, dim) in zip(actual, shape.dims) {
            switch dim.size {
            case .known(let v): if v != Int64(size) { throw mismatch }
            case .symbolic(let name):
                if let bound = symbols[name], bound != size { throw mismatch }
                symbols[name] = size
            case .unknown: break
            }
        }
    }
}
