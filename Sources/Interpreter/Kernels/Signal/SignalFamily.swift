/// The Signal kernel family: every registration of the files in this folder — Fourier transforms and
/// the windows and filter banks used with them.
enum SignalFamily {
    static let registrations: [KernelRegistration] =
        DFTKernels.registrations
        + STFTKernels.registrations
        + WindowKernels.registrations
        + MelWeightMatrixKernels.registrations
}
