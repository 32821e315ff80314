/// The Elementwise kernel family: every registration of the files in this folder.
enum ElementwiseFamily {
    static let registrations: [KernelRegistration] = []
}
