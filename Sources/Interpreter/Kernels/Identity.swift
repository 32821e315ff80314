import ONNX

/// Identity (1, 13, 14, 16, 19, 21, 23, 24, 25): passes its input through, tensors, sequences and optionals alike.
enum IdentityKernels {
    static let registrations = KernelRegistration.versions("Identity", [1, 13, 14, 16, 19, 21, 23, 24, 25]) { _ in
        ClosureKernel { inputs, _ in [inputs.first ?? nil] }
    }
}
