/// The rules this build knows, by name. One value, built once from a list the compiler checks.
public struct RuleRegistry: Sendable {
    public let rules: [any Rule]

    /// Every rule of the project. Rule families register here as they land (rewrite issue).
    public static let standard = RuleRegistry(rules: layout)

    /// Moving and cancelling transposes (`Rules/TransposeRules.swift`); the channels-last frontends run these.
    public static let layout: [any Rule] = [CancelTransposes(), PushTransposeThroughElementwise(), PushTransposeThroughPad(),
                                           PushTransposeThroughSlice(), PushTransposeThroughReduce(),
                                           PushTransposeThroughConcat(), FoldTransposeIntoReshape(),
                                           CopySharedTranspose(), RemoveUnusedNodes()]

    public init(rules: [any Rule]) {
        var seen = Set<String>()
        for rule in rules {
            precondition(seen.insert(rule.name).inserted, "rule \(rule.name) registered twice")
        }
        self.rules = rules
    }

    public var names: [String] { rules.map(\.name) }

    /// Rules selected by a `--rules` value: `none`, `default` (all), or a comma-separated list of names.
    public func select(_ spec: String) throws -> [any Rule] {
        let wanted = spec.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        switch wanted {
        case []: throw RewriteError.unknownRules([spec], known: names)
        case ["none"]: return []
        case ["default"], ["all"]: return rules
        default:
            let unknown = wanted.filter { name in !rules.contains { $0.name == name } }
            guard unknown.isEmpty else {
                throw RewriteError.unknownRules(unknown, known: names)
            }
            return rules.filter { wanted.contains($0.name) }
        }
    }
}

import Foundation

public enum RewriteError: Error, Equatable, CustomStringConvertible {
    case unknownRules([String], known: [String])
    case ruleFailed(rule: String, node: String, reason: String)

    public var description: String {
        switch self {
        case .unknownRules(let names, let known):
            let available = (["none", "default"] + known).joined(separator: ", ")
            return "unknown rule(s) \(names.joined(separator: ", ")); available: \(available)"
        case .ruleFailed(let rule, let node, let reason):
            return "rule \(rule) failed on node \(node): \(reason)"
        }
    }
}
