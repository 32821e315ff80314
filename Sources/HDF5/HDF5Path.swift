/// Object paths inside a file, always absolute: `/`, `/model_weights`, `/model_weights/dense`.
enum HDF5Path {
    /// `base` followed by `name`, which may itself contain `/` (`"a/b/c"`). Empty components are dropped;
    /// nil when `name` has none, since that names no member.
    static func join(_ base: String, _ name: String) -> String? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty else { return nil }
        let prefix = base == "/" ? "" : base
        return prefix + "/" + parts.joined(separator: "/")
    }

    /// `/a`, `/a/b`, `/a/b/c` for `/a/b/c`: libhdf5's link lookups fail (rather than answer "no") when an
    /// intermediate group is missing, so existence is checked one level at a time.
    static func prefixes(of path: String) -> [String] {
        var result: [String] = []
        var current = ""
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + part
            result.append(current)
        }
        return result
    }
}
