/// Every kernel family, one folder under Kernels/ each. `KernelRegistry.standard` is built from this.
enum KernelFamilies {
    static let all: [[KernelRegistration]] = [
        IdentityKernels.registrations,
        ElementwiseFamily.registrations,
        ShapeFamily.registrations,
        ComputeFamily.registrations,
        ControlFamily.registrations,
        TextFamily.registrations,
        MLFamily.registrations,
        TrainingFamily.registrations,
        ImageFamily.registrations,
        SignalFamily.registrations,
    ]
}
