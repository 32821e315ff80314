import ONNX

/// If (1, 11, 13, 16, 19, 21, 23, 24, 25): runs `then_branch` or `else_branch` on the boolean `cond`
/// and returns that branch's outputs. The versions differ only in the types the branches may produce
/// (sequences from 13, optionals from 16, more element types later); the kernel passes any value on.
enum IfKernels {
    static let registrations = KernelRegistration.versions("If", [1, 11, 13, 16, 19, 21, 23, 24, 25]) { node in
        IfKernel(thenBranch: try node.subgraph("then_branch"), elseBranch: try node.subgraph("else_branch"))
    }
}

struct IfKernel: Kernel {
    let thenBranch: GraphPlan
    let elseBranch: GraphPlan

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let condition = try ControlArgs.bool(try ControlArgs.tensor(inputs, 0, "cond"), "cond")
        let branch = condition ? thenBranch : elseBranch
        let outputs = try context.run(branch, inputs: [])
        for (declared, value) in zip(branch.outputs, outputs) where value == nil {
            throw KernelError("\(condition ? "then" : "else") branch did not compute its output '\(declared.name)'")
        }
        return outputs
    }
}
