/// The Control kernel family: every registration of the files in this folder.
enum ControlFamily {
    static let registrations: [KernelRegistration] = []
}
