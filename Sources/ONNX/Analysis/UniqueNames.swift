/// Hands out value and node names that do not clash with those already in a graph (or with each other).
/// Rewrites and frontends use it when they add nodes.
public struct UniqueNames: Sendable {
    private var taken: Set<String>
    private var counters: [String: Int] = [:]

    public init<S: Sequence>(reserving names: S) where S.Element == String {
        taken = Set(names)
    }

    /// Every name used anywhere in `graph`, nested graphs included.
    public init(graph: Graph) {
        var names = Set<String>()
        graph.forEachGraph { g in
            names.formUnion(g.inputs.map(\.name))
            names.formUnion(g.outputs.map(\.name))
            names.formUnion(g.initializers.map(\.name))
            names.formUnion(g.valueInfo.map(\.name))
            for node in g.nodes {
                names.formUnion(node.inputs)
                names.formUnion(node.outputs)
                if !node.name.isEmpty { names.insert(node.name) }
            }
        }
        names.remove("")
        taken = names
    }

    /// `base` itself if free, else `base_1`, `base_2`, …
    public mutating func make(_ base: String) -> String {
        if taken.insert(base).inserted { return base }
        var n = counters[base, default: 0]
        var candidate: String
        repeat {
            n += 1
            candidate = "\(base)_\(n)"
        } while taken.contains(candidate)
        counters[base] = n
        taken.insert(candidate)
        return candidate
    }

    public func contains(_ name: String) -> Bool { taken.contains(name) }
}
