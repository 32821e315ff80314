/// Who is told, around each call into libhdf5, which file and object it is about.
///
/// libhdf5 can still crash or loop on a hostile file in ways no check before the call can rule out (a
/// global-heap object larger than the length its reference declares is copied past the end of the
/// buffer; a damaged heap free list is walked forever). A supervisor that runs the reader in a child
/// process learns from this what the child was reading when it died, so its one error line can name the
/// object. Task-local like `MemoryBudget.current`: scoped by the caller, never a global that is set.
public struct HDF5Observer: Sendable {
    /// Called with the file's path and the object (`/model_weights/dense`, `attribute 'model_config' of /`)
    /// just before libhdf5 is entered.
    public var willEnter: @Sendable (_ file: String, _ object: String) -> Void
    /// Called as soon as libhdf5 has returned.
    public var didReturn: @Sendable () -> Void

    public init(willEnter: @escaping @Sendable (String, String) -> Void, didReturn: @escaping @Sendable () -> Void) {
        self.willEnter = willEnter
        self.didReturn = didReturn
    }

    /// The observer in force for the current task or thread; nil (the default) costs nothing.
    @TaskLocal public static var current: HDF5Observer?
}
