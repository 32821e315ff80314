/// The Elementwise kernel family: every registration of the files in this folder.
enum ElementwiseFamily {
    static let registrations: [KernelRegistration] =
        ArithmeticKernels.registrations
        + PowKernels.registrations
        + BitwiseKernels.registrations
        + UnaryMathKernels.registrations
        + ActivationKernels.registrations
        + PReluKernels.registrations
        + ClipKernels.registrations
        + VariadicKernels.registrations
        + ComparisonKernels.registrations
        + LogicalKernels.registrations
        + FloatClassKernels.registrations
        + WhereKernels.registrations
        + CastKernels.registrations
        + BitCastKernels.registrations
}
