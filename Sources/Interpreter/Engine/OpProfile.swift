import Dispatch

/// Wall time spent in each op type's kernels, summed over the runs it was handed to (`Interpreter.run`'s
/// `profile`), so `run --profile` can say where a model's time goes. Nested graphs' steps count under
/// their own op types as well as inside their If/Loop/Scan.
public final class OpProfile {
    public struct Entry: Sendable {
        public let opType: String
        public var calls: Int
        public var seconds: Double
    }

    /// One node's share: `label` names the node as errors do (name or op type and index).
    public struct NodeEntry: Sendable {
        public let label: String
        public let opType: String
        public var calls: Int
        public var seconds: Double
    }

    private var byOp: [String: Entry] = [:]
    private var byNode: [String: NodeEntry] = [:]

    public init() {}

    /// Entries, most time first.
    public var entries: [Entry] { byOp.values.sorted { $0.seconds > $1.seconds } }

    /// The `count` nodes that took the most time, most first.
    public func slowestNodes(_ count: Int) -> [NodeEntry] {
        Array(byNode.values.sorted { $0.seconds > $1.seconds }.prefix(count))
    }

    public var totalSeconds: Double { byOp.values.reduce(0) { $0 + $1.seconds } }

    /// Runs `body` and adds its wall time to `opType` and to the node `label`.
    func time<T>(_ opType: String, node label: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            byOp[opType, default: Entry(opType: opType, calls: 0, seconds: 0)].calls += 1
            byOp[opType]?.seconds += seconds
            byNode[label, default: NodeEntry(label: label, opType: opType, calls: 0, seconds: 0)].calls += 1
            byNode[label]?.seconds += seconds
        }
        return try body()
    }
}
