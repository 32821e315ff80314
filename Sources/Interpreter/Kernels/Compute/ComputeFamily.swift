/// The Compute kernel family: every registration of the files in this folder.
enum ComputeFamily {
    static let registrations: [KernelRegistration] = []
}
