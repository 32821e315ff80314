import ONNX

/// Values visible while a graph runs: its own, then those of the enclosing graphs (for subgraphs).
final class Environment {
    var values: [String: RuntimeValue]
    let parent: Environment?

    init(values: [String: RuntimeValue], parent: Environment?) {
        self.values = values
        self.parent = parent
    }

    func lookup(_ name: String) -> RuntimeValue? {
        var scope: Environment? = self
        while let current = scope {
            if let value = current.values[name] { return value }
            scope = current.parent
        }
        return nil
    }
}

/// Handed to kernels while they run: lets control-flow kernels run their subgraphs in the current scope.
public final class ExecutionContext {
    let environment: Environment
    let profile: OpProfile?
    /// Whether subgraphs run their fused steps, as the graph that holds them does.
    let fused: Bool

    init(environment: Environment, profile: OpProfile? = nil, fused: Bool = true) {
        self.environment = environment
        self.profile = profile
        self.fused = fused
    }

    /// Runs a subgraph with positional inputs; returns its outputs in order.
    public func run(_ plan: GraphPlan, inputs: [RuntimeValue?]) throws -> [RuntimeValue?] {
        var bound: [String: RuntimeValue] = [:]
        for (declared, value) in zip(plan.inputs, inputs) {
            if let value { bound[declared.name] = value }
        }
        return try Executor.execute(plan, inputs: bound, parent: environment, capture: nil, profile: profile, fused: fused)
    }
}

enum Executor {
    /// Runs `plan`; `capture`, when given, receives every value computed (nothing is freed then);
    /// `profile`, when given, gets each step's time; `fused` picks the plan's fused steps, which captures
    /// cannot use (they need every node's own output).
    static func execute(
        _ plan: GraphPlan, inputs: [String: RuntimeValue], parent: Environment?,
        capture: ((String, RuntimeValue) -> Void)?, profile: OpProfile? = nil, fused: Bool = true
    ) throws -> [RuntimeValue?] {
        let environment = Environment(values: plan.constants, parent: parent)
        for (name, value) in inputs { environment.values[name] = value }
        let fused = fused && capture == nil
        let context = ExecutionContext(environment: environment, profile: profile, fused: fused)
        for step in fused ? plan.fusedSteps : plan.steps {
            let arguments = step.inputs.map { $0.isEmpty ? nil : environment.lookup($0) }
            for (name, value) in zip(step.inputs, arguments) where !name.isEmpty && value == nil {
                throw InterpreterError.nodeFailed(node: step.label, reason: "input '\(name)' has no value")
            }
            let results: [RuntimeValue?]
            do {
                if let profile {
                    results = try profile.time(step.opType, node: step.label) { try step.kernel.run(arguments, context: context) }
                } else {
                    results = try step.kernel.run(arguments, context: context)
                }
            } catch let error as InterpreterError {
                throw InterpreterError.nodeFailed(node: step.label, reason: error.description)
            } catch {
                throw InterpreterError.nodeFailed(node: step.label, reason: "\(error)")
            }
            for (name, value) in zip(step.outputs, results) where !name.isEmpty {
                guard let value else { continue }
                environment.values[name] = value
                capture?(name, value)
            }
            if capture == nil {
                for name in step.release { environment.values[name] = nil }
            }
        }
        return plan.outputs.map { environment.lookup($0.name) }
    }
}
