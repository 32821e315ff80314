import ONNX

/// Upsample (7, 9, 10): nearest or (bi/tri)linear resize by per-axis `scales` with "asymmetric"
/// coordinates (`x = y / scale`); nearest takes the floor when upsampling. 7 reads `scales` as an
/// attribute, 9 as the second input; 10 (deprecated in favour of Resize-10) is 9 unchanged. The
/// output size of each axis is `floor(size · scale)`.
enum UpsampleKernels {
    static let registrations: [KernelRegistration] =
        [KernelRegistration("Upsample", since: 7) { node in
            UpsampleKernel(options: try options(node), attributeScales: try node.required("scales", node.floats))
        }]
        + KernelRegistration.versions("Upsample", [9, 10]) { node in
            UpsampleKernel(options: try options(node), attributeScales: nil)
        }

    static func options(_ node: NodeContext) throws -> ResizeOptions {
        ResizeOptions(mode: try ResizeMode(node.string("mode", default: "nearest")), coordinates: .asymmetric, nearest: .simple)
    }
}

struct UpsampleKernel: Kernel {
    let options: ResizeOptions
    let attributeScales: [Float]?

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "X")
        let scaleValues = try attributeScales ?? ControlArgs.floats(try ControlArgs.tensor(inputs, 1, "scales"), "scales")
        guard scaleValues.count == x.rank else { throw KernelError("scales has \(scaleValues.count) entries for rank \(x.rank)") }
        for s in scaleValues where !(s > 0) { throw KernelError("scales must be positive, got \(s)") }
        let scales = scaleValues.map(Double.init)
        let outputSize = try zip(x.shape, scales).enumerated().map { d, pair in
            try ShapeMath.dimension(Double(pair.0) * pair.1, "upsampled size of axis \(d)")
        }
        return [.tensor(try ResizeCore.resize(x, scales: scales, outputSize: outputSize, roi: nil, options: options))]
    }
}
