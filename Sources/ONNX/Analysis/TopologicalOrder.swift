/// A graph whose nodes cannot be put in an order where each value is produced before it is used.
public struct CycleError: Error, Equatable, CustomStringConvertible {
    /// Nodes on or behind a cycle, in graph order.
    public var nodes: [String]
    public var description: String { "graph has a cycle through: " + nodes.joined(separator: ", ") }
}

extension Graph {
    /// The node indices in an order where every node comes after the producers of its inputs; among
    /// independent nodes the original order is kept (a stable Kahn sort), so an already ordered graph is
    /// left as it is. Values from outer scopes, graph inputs and initializers count as available;
    /// subgraph nodes may read values produced in this graph, which makes their owner depend on them.
    public func topologicalOrder() throws -> [Int] {
        var producer: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty { producer[output] = i }
        }
        var dependents = [[Int]](repeating: [], count: nodes.count)
        var pending = [Int](repeating: 0, count: nodes.count)
        for (i, node) in nodes.enumerated() {
            let needed = Set(node.inputs + node.subgraphs.flatMap(\.outerScopeReads)).compactMap { producer[$0] }
            for p in Set(needed) where p != i {
                dependents[p].append(i)
                pending[i] += 1
            }
        }
        var ready = MinHeap(pending.indices.filter { pending[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let next = ready.popMin() {
            order.append(next)
            for d in dependents[next] {
                pending[d] -= 1
                if pending[d] == 0 { ready.insert(d) }
            }
        }
        guard order.count == nodes.count else {
            let stuck = nodes.indices.filter { pending[$0] > 0 }.map { nodes[$0].label }
            throw CycleError(nodes: stuck)
        }
        return order
    }

    /// This graph with its nodes sorted topologically (nested graphs are sorted too).
    public func topologicallySorted() throws -> Graph {
        var sorted = self
        sorted.nodes = try topologicalOrder().map { index in
            var node = nodes[index]
            for a in node.attributes.indices {
                switch node.attributes[a].value {
                case .graph(let g): node.attributes[a].value = .graph(try g.topologicallySorted())
                case .graphs(let gs): node.attributes[a].value = .graphs(try gs.map { try $0.topologicallySorted() })
                default: break
                }
            }
            return node
        }
        return sorted
    }

    /// Names this graph (and graphs nested in it) read without defining them: values of enclosing scopes.
    public var outerScopeReads: Set<String> {
        var defined = Set(inputs.map(\.name)).union(initializers.map(\.name)).union(sparseInitializers.compactMap { $0.values?.name })
        var reads = Set<String>()
        for node in nodes {
            for input in node.inputs where !input.isEmpty && !defined.contains(input) { reads.insert(input) }
            for sub in node.subgraphs { reads.formUnion(sub.outerScopeReads.subtracting(defined)) }
            defined.formUnion(node.outputs)
        }
        // A read of a value produced later in this graph is still local, not from an outer scope.
        return reads.subtracting(nodes.flatMap(\.outputs))
    }
}

/// A binary min-heap of node indices, so the sort prefers the earliest ready node.
struct MinHeap {
    private var items: [Int]

    init(_ items: [Int]) {
        self.items = []
        for item in items { insert(item) }
    }

    mutating func insert(_ item: Int) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count && items[left] < items[smallest] { smallest = left }
                if right < items.count && items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
