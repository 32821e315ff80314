import ONNX

/// A graph prepared for execution: kernels made, constants converted, and for every step the values
/// whose last use it is, so the executor frees each intermediate as soon as nothing needs it.
///
/// A plan holds two sequences of the same computation: `steps`, one per node, used when intermediates
/// are captured, and `fusedSteps`, where activations are applied by the op that produces their input
/// (`ActivationFusion`), used otherwise. Both give bit-identical outputs.
public struct GraphPlan: Sendable {
    public struct Step: Sendable {
        public let label: String
        public let opType: String
        let kernel: any Kernel
        public let inputs: [String]
        public let outputs: [String]
        /// Values to drop after this step.
        public let release: [String]
    }

    public let name: String
    /// Declared inputs, in order (for the main graph: without those that are also initializers).
    public let inputs: [Value]
    public let outputs: [Value]
    let constants: [String: RuntimeValue]
    public let steps: [Step]
    public let fusedSteps: [Step]
}

/// A node with its kernel made, before the plan orders releases: what fusion rewrites.
struct PreparedStep {
    var label: String
    var opType: String
    var domain: String
    var kernel: any Kernel
    var inputs: [String]
    var outputs: [String]
    /// Values read: the inputs and the outer-scope names read by nested graphs.
    var reads: Set<String>
}

/// Makes `GraphPlan`s: resolves each node's kernel for the opset of its domain.
struct GraphPlanner: Sendable {
    let registry: KernelRegistry
    /// Imported opset version by canonical domain.
    let opsets: [String: Int]

    func plan(_ graph: Graph, outerNames: Set<String>, isMain: Bool = false) throws -> GraphPlan {
        var constants: [String: RuntimeValue] = [:]
        for tensor in graph.initializers {
            constants[tensor.name] = .tensor(try TensorValue(tensor))
            // Copied: the model file's pages need not stay resident as well.
            if case .raw(let bytes) = tensor.storage { ResidentPages.release(bytes) }
        }
        let inputs = isMain ? graph.runtimeInputs : graph.inputs
        var visible = outerNames.union(graph.inputs.map(\.name)).union(graph.initializers.map(\.name))
        let order = try graph.topologicalOrder()
        var prepared: [PreparedStep] = []
        for index in order {
            let node = graph.nodes[index]
            let kernel = try prepare(node, visible: visible)
            let reads = Set(node.inputs.filter { !$0.isEmpty }).union(node.subgraphs.flatMap(\.outerScopeReads))
            prepared.append(PreparedStep(label: node.label, opType: node.opType,
                                         domain: OpSchemaRegistry.canonicalDomain(node.domain), kernel: kernel,
                                         inputs: node.inputs, outputs: node.outputs, reads: reads))
            visible.formUnion(node.outputs.filter { !$0.isEmpty })
        }
        let keep = Set(graph.outputs.map(\.name))
        let steps = Self.sequence(prepared, keep: keep)
        let fused = ActivationFusion(constants: constants, keep: keep).fuse(prepared)
        return GraphPlan(name: graph.name, inputs: inputs, outputs: graph.outputs, constants: constants, steps: steps,
                         fusedSteps: fused.count == prepared.count ? steps : Self.sequence(fused, keep: keep))
    }

    /// The steps in order, each with the values whose last use it is (graph outputs are kept).
    private static func sequence(_ prepared: [PreparedStep], keep: Set<String>) -> [GraphPlan.Step] {
        var lastUse: [String: Int] = [:]
        for (i, step) in prepared.enumerated() {
            for name in step.reads { lastUse[name] = i }
            for name in step.outputs where !name.isEmpty && lastUse[name] == nil { lastUse[name] = i }
        }
        var releases = [[String]](repeating: [], count: prepared.count)
        // Only this graph's own environment is trimmed; names of enclosing scopes are not in it.
        for (name, i) in lastUse where !keep.contains(name) {
            releases[i].append(name)
        }
        return prepared.enumerated().map { i, p in
            GraphPlan.Step(label: p.label, opType: p.opType, kernel: p.kernel, inputs: p.inputs, outputs: p.outputs,
                           release: releases[i])
        }
    }

    private func prepare(_ node: Node, visible: Set<String>) throws -> any Kernel {
        let domain = OpSchemaRegistry.canonicalDomain(node.domain)
        guard let opset = opsets[domain],
              let registration = registry.kernel(domain: domain, opType: node.opType, opset: opset) else {
            throw InterpreterError.unsupportedOps([node.opType])
        }
        let context = NodeContext(node: node, opset: opset, planner: self, outerNames: visible)
        do {
            return try registration.make(context)
        } catch let error as InterpreterError {
            throw error
        } catch {
            throw InterpreterError.nodeFailed(node: node.label, reason: "\(error)")
        }
    }

    /// Every op of `graph` (nested graphs included) without a kernel at its opset, as "Op" or
    /// "domain::Op" (with the opset when the op exists at other versions).
    func missingOps(in graph: Graph) -> [String] {
        var missing: [String] = []
        graph.forEachGraph { g in
            for node in g.nodes {
                let domain = OpSchemaRegistry.canonicalDomain(node.domain)
                let name = domain.isEmpty ? node.opType : "\(domain)::\(node.opType)"
                guard let opset = opsets[domain] else {
                    missing.append("\(name) (domain '\(domain)' not imported)")
                    continue
                }
                if registry.kernel(domain: domain, opType: node.opType, opset: opset) == nil {
                    missing.append("\(name)-\(opset)")
                }
            }
        }
        var seen = Set<String>()
        return missing.filter { seen.insert($0).inserted }.sorted()
    }
}
