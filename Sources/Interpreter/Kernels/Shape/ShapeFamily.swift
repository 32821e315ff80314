/// The Shape kernel family: every registration of the files in this folder.
enum ShapeFamily {
    static let registrations: [KernelRegistration] = []
}
