import CHDF5

/// libhdf5's own explanation of the call that just failed.
enum HDF5ErrorStack {
    /// The innermost message on the default error stack (where the failure was first detected, e.g.
    /// "truncated file: eof = …"), which says more than the API-level "unable to open file".
    /// Call with the lock held, right after the failing call: the next API call clears the stack.
    static func innermostMessage() -> String? {
        var messages: [String] = []
        withUnsafeMutablePointer(to: &messages) { pointer in
            _ = H5Ewalk2(chdf5_e_default(), H5E_WALK_DOWNWARD, { _, entry, context in
                guard let text = entry?.pointee.desc, let context else { return 0 }
                context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: text))
                return 0
            }, pointer)
        }
        return messages.last
    }
}
