import Foundation
import ONNX

/// TreeEnsemble (ai.onnx.ml 5): the unified tree-ensemble op that replaces TreeEnsembleRegressor and
/// TreeEnsembleClassifier. Each tree starts at a node of `tree_roots`; interior node i compares feature
/// `nodes_featureids[i]` of a row of X [N, F] with `nodes_splits[i]` by `nodes_modes[i]` (0 ≤, 1 <, 2 ≥,
/// 3 >, 4 =, 5 ≠, 6 set membership), and goes to `nodes_truenodeids[i]` or `nodes_falsenodeids[i]`, an
/// index into the leaves instead when `nodes_trueleafs[i]`/`nodes_falseleafs[i]` is set. A NaN feature
/// takes the true branch where `nodes_missing_value_tracks_true[i]` is set. Leaf j adds `leaf_weights[j]`
/// to target `leaf_targetids[j]`; targets aggregate over trees by `aggregate_function` (0 average, 1 sum,
/// 2 min, 3 max) into Y [N, n_targets], then `post_transform` (0 none, 1 softmax, 2 logistic, 3
/// softmax_zero; 4 probit is not supported). Set-membership nodes take their members from
/// `membership_values`, one NaN-terminated run per such node in node order. A root whose two branches
/// are the same leaf is itself that leaf (a one-leaf tree). Y has X's type; the sums are kept in double.
enum TreeEnsembleKernels {
    static let registrations = [KernelRegistration("TreeEnsemble", domain: MLFamily.domain, since: 5) { node in
        TreeEnsembleKernel(forest: try TreeForest(node),
                           aggregate: try node.int("aggregate_function", default: 1),
                           postTransform: try node.int("post_transform", default: 0),
                           targets: try node.required("n_targets", node.int))
    }]
}

/// The decoded trees: per-node arrays as the attributes give them, membership sets resolved.
struct TreeForest: Sendable {
    let features: [Int]
    let splits: [Double]
    let modes: [Int]
    let trueNext: [Int], falseNext: [Int]
    let trueIsLeaf: [Bool], falseIsLeaf: [Bool]
    let missingGoesTrue: [Bool]
    let members: [Int: Set<Double>]
    let leafTargets: [Int]
    let leafWeights: [Double]
    let roots: [Int]

    init(_ node: NodeContext) throws {
        func ints(_ name: String) throws -> [Int] { try node.required(name, node.ints) }
        func reals(_ name: String) throws -> [Double] {
            let tensor = try node.required(name, node.tensor)
            guard let values = tensor.doubles() else { throw KernelError("\(name) must be a numeric tensor") }
            return values
        }
        features = try ints("nodes_featureids")
        splits = try reals("nodes_splits")
        modes = try ControlArgs.ints(try node.required("nodes_modes", node.tensor), "nodes_modes")
        trueNext = try ints("nodes_truenodeids")
        falseNext = try ints("nodes_falsenodeids")
        trueIsLeaf = try ints("nodes_trueleafs").map { $0 != 0 }
        falseIsLeaf = try ints("nodes_falseleafs").map { $0 != 0 }
        missingGoesTrue = try node.ints("nodes_missing_value_tracks_true")?.map { $0 != 0 }
            ?? [Bool](repeating: false, count: features.count)
        leafTargets = try ints("leaf_targetids")
        leafWeights = try reals("leaf_weights")
        roots = try ints("tree_roots")
        let nodeCount = features.count
        for (name, count) in [("nodes_splits", splits.count), ("nodes_modes", modes.count), ("nodes_truenodeids", trueNext.count),
                              ("nodes_falsenodeids", falseNext.count), ("nodes_trueleafs", trueIsLeaf.count),
                              ("nodes_falseleafs", falseIsLeaf.count), ("nodes_missing_value_tracks_true", missingGoesTrue.count)]
        where count != nodeCount {
            throw KernelError("\(name) has \(count) entries for \(nodeCount) nodes")
        }
        guard leafWeights.count == leafTargets.count else {
            throw KernelError("leaf_weights has \(leafWeights.count) entries for \(leafTargets.count) leaves")
        }
        if let bad = modes.first(where: { !(0...6).contains($0) }) { throw KernelError("node mode \(bad) is not in 0…6") }
        let memberValues = try node.tensor("membership_values").map { try ControlArgs.floats($0, "membership_values") }
        members = try Self.memberSets(modes: modes, values: memberValues)
    }

    /// The member set of each set-membership node, read from NaN-terminated runs in node order.
    private static func memberSets(modes: [Int], values: [Float]?) throws -> [Int: Set<Double>] {
        let memberNodes = modes.indices.filter { modes[$0] == 6 }
        guard !memberNodes.isEmpty else { return [:] }
        guard let values else { throw KernelError("set-membership nodes need membership_values") }
        var runs: [Set<Double>] = [[]]
        for value in values {
            if value.isNaN { runs.append([]) } else { runs[runs.count - 1].insert(Double(value)) }
        }
        if runs.last?.isEmpty == true && values.last?.isNaN == true { runs.removeLast() }
        guard runs.count == memberNodes.count else {
            throw KernelError("membership_values has \(runs.count) sets for \(memberNodes.count) set-membership nodes")
        }
        return Dictionary(uniqueKeysWithValues: zip(memberNodes, runs))
    }

    /// The leaf reached from root `root` for one row of features.
    func leaf(from root: Int, row: ArraySlice<Double>) throws -> Int {
        if trueIsLeaf[root] && falseIsLeaf[root] && trueNext[root] == falseNext[root] { return root }
        var index = root
        for _ in 0...features.count {
            guard features[index] >= 0, features[index] < row.count else {
                throw KernelError("node \(index) reads feature \(features[index]) of \(row.count)")
            }
            let x = row[row.startIndex + features[index]]
            let goTrue = (x.isNaN && missingGoesTrue[index]) || compare(x, at: index)
            let next = goTrue ? trueNext[index] : falseNext[index]
            if goTrue ? trueIsLeaf[index] : falseIsLeaf[index] {
                guard next >= 0, next < leafWeights.count else { throw KernelError("node \(index) leads to missing leaf \(next)") }
                return next
            }
            guard next >= 0, next < features.count else { throw KernelError("node \(index) leads to missing node \(next)") }
            index = next
        }
        throw KernelError("tree from root \(root) has a cycle")
    }

    private func compare(_ x: Double, at i: Int) -> Bool {
        let split = splits[i]
        switch modes[i] {
        case 0: return x <= split
        case 1: return x < split
        case 2: return x >= split
        case 3: return x > split
        case 4: return x == split
        case 5: return x != split
        default: return members[i]?.contains(x) ?? false
        }
    }
}

struct TreeEnsembleKernel: Kernel {
    let forest: TreeForest
    let aggregate: Int
    let postTransform: Int
    let targets: Int

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try ControlArgs.tensor(inputs, 0, "X")
        guard ControlArgs.isFloating(x.dataType), let values = x.doubles(), x.rank == 2 else {
            throw KernelError("X must be a floating [N, F] tensor, got \(x.dataType)\(x.shape)")
        }
        guard (0...3).contains(aggregate) else { throw KernelError("aggregate_function \(aggregate) is not in 0…3") }
        guard (0...3).contains(postTransform) else { throw KernelError("post_transform \(postTransform) is not supported (0…3 are)") }
        let (rows, width) = (x.shape[0], x.shape[1])
        var y: [Double] = []
        // n_targets is an attribute: the output [N, n_targets] can be far larger than X.
        y.reserveCapacity(try ShapeMath.checkedCount([rows, targets], elementSize: MemoryLayout<Double>.stride, of: "n_targets"))
        for r in 0..<rows {
            let scores = try predict(values[(r * width)..<((r + 1) * width)])
            y.append(contentsOf: transform(scores))
        }
        let shape = [rows, targets]
        if x.dataType == .double { return [.tensor(TensorValue(shape: shape, values: y))] }
        return [.tensor(TensorValue(floating: x.dataType, shape: shape, values: y.map { Float($0) }))]
    }

    /// One row's aggregated target scores.
    private func predict(_ row: ArraySlice<Double>) throws -> [Double] {
        let start: Double = aggregate == 2 ? .greatestFiniteMagnitude : aggregate == 3 ? -.greatestFiniteMagnitude : 0
        var scores = [Double](repeating: start, count: targets)
        for root in forest.roots {
            guard root >= 0, root < forest.features.count else { throw KernelError("tree root \(root) is not a node") }
            let leaf = try forest.leaf(from: root, row: row)
            guard leaf < forest.leafTargets.count else { throw KernelError("tree root \(root) is a leaf index with no leaf") }
            let (target, weight) = (forest.leafTargets[leaf], forest.leafWeights[leaf])
            guard target >= 0, target < targets else { throw KernelError("leaf \(leaf) targets \(target) of \(targets)") }
            switch aggregate {
            case 0: scores[target] += weight / Double(forest.roots.count)
            case 2: scores[target] = min(scores[target], weight)
            case 3: scores[target] = max(scores[target], weight)
            default: scores[target] += weight
            }
        }
        return scores
    }

    private func transform(_ scores: [Double]) -> [Double] {
        switch postTransform {
        case 1, 3:
            // softmax_zero leaves zero scores at zero.
            let keepZero = postTransform == 3
            let peak = scores.max() ?? 0
            let exps = scores.map { keepZero && $0 == 0 ? 0 : exp($0 - peak) }
            let sum = exps.reduce(0, +)
            return sum > 0 ? exps.map { $0 / sum } : exps
        case 2: return scores.map { 1 / (1 + exp(-$0)) }
        default: return scores
        }
    }
}
