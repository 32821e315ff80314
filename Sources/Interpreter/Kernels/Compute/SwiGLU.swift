// SwiGLU (28): Y = Swish_alpha(A) · B = A · sigmoid(alpha · A) · B, the gated activation of Llama-style
// MLPs, with the gate A and value B of identical shape and type (no broadcasting, by the spec).
// The gate is the Swish activation of the Elementwise family (`SwishOp`), reused here.

import ONNX

enum SwiGLUKernels {
    static let registrations = [KernelRegistration("SwiGLU", since: 28) { node in
        SwiGLUKernel(swish: SwishOp(alpha: try node.float("alpha", default: 1)))
    }]
}

struct SwiGLUKernel: Kernel {
    let swish: SwishOp

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "SwiGLU")
        let a = try args.tensor(0, "A"), b = try args.tensor(1, "B")
        try ComputeSupport.requireFloating(a, "SwiGLU")
        guard a.shape == b.shape, a.dataType == b.dataType else {
            throw KernelError("SwiGLU: A and B must have the same shape and type, got \(a.dataType)\(a.shape) and \(b.dataType)\(b.shape)")
        }
        if a.dataType == .double {
            let y = zip(try Double.values(of: a), try Double.values(of: b)).map { swish.apply($0) * $1 }
            return [.tensor(Double.tensor(.double, shape: a.shape, values: y))]
        }
        let y = zip(try Float.values(of: a), try Float.values(of: b)).map { swish.apply($0) * $1 }
        return [.tensor(Float.tensor(a.dataType, shape: a.shape, values: y))]
    }
}
