/// All op schemas, indexed by domain and op type, with versions in ascending order.
///
/// An immutable value: build one from a list of schemas, or use `standard` (the table generated from the
/// onnx package). Callers that need a different set (tests, custom domains) make their own value and pass
/// it in, rather than registering into a shared one.
public struct OpSchemaRegistry: Sendable {
    /// The schemas and opset versions of the onnx package this project follows.
    public static let standard = OpSchemaRegistry(
        schemas: OpSchemaTable.schemas(), latestOpsets: OpSchemaTable.latestOpsets)

    /// The version of the onnx package `standard` was generated from (for messages such as
    /// "unknown to onnx 1.23.2").
    public static var standardOnnxVersion: String { OpSchemaTable.onnxVersion }

    /// domain → op type → versions, ascending by `sinceVersion`.
    private let byDomain: [String: [String: [OpSchema]]]
    private let latestOpsets: [String: Int]

    /// - Parameters:
    ///   - schemas: every version of every op; order does not matter.
    ///   - latestOpsets: the highest opset version known per domain. A domain's opset can be newer than
    ///     any since-version in it (an opset release that changed none of its ops), so it is given, not
    ///     derived; domains left out fall back to their highest since-version.
    /// - Precondition: no two schemas share domain, name and since-version — a duplicate means the table
    ///   is wrong, and lookups would silently pick one.
    public init(schemas: [OpSchema], latestOpsets: [String: Int] = [:]) {
        var grouped: [String: [String: [OpSchema]]] = [:]
        for schema in schemas {
            let domain = Self.canonicalDomain(schema.domain)
            grouped[domain, default: [:]][schema.name, default: []].append(schema)
        }
        let byDomain = grouped.mapValues { ops in
            ops.mapValues { versions in versions.sorted { $0.sinceVersion < $1.sinceVersion } }
        }
        for (domain, ops) in byDomain {
            for (name, versions) in ops {
                let neighbours = zip(versions, versions.dropFirst())
                if let (first, _) = neighbours.first(where: { $0.sinceVersion == $1.sinceVersion }) {
                    let shown = domain.isEmpty ? "ai.onnx" : domain
                    preconditionFailure("duplicate op schema \(shown) \(name) since \(first.sinceVersion)")
                }
            }
        }
        var opsets: [String: Int] = [:]
        for (domain, version) in latestOpsets {
            opsets[Self.canonicalDomain(domain)] = version
        }
        for (domain, ops) in byDomain where opsets[domain] == nil {
            opsets[domain] = ops.values.compactMap { $0.last?.sinceVersion }.max()
        }
        self.byDomain = byDomain
        self.latestOpsets = opsets
    }

    /// ONNX spells the default domain both `""` and `"ai.onnx"`; everything here is keyed by `""`.
    public static func canonicalDomain(_ domain: String) -> String {
        domain == "ai.onnx" ? "" : domain
    }

    /// The schema in force for `opType` in a model importing `domain` at `opset`: the highest
    /// since-version not above `opset`. nil if the op is unknown or not yet introduced at that opset.
    /// A deprecated schema is returned as such (check `deprecated`), so that a checker can say
    /// "removed in opset N" instead of "unknown op".
    public func schema(domain: String, opType: String, opset: Int) -> OpSchema? {
        versions(domain: domain, opType: opType).last { $0.sinceVersion <= opset }
    }

    /// Every version of the op, ascending by since-version; empty if unknown.
    public func schemas(domain: String, opType: String) -> [OpSchema] {
        versions(domain: domain, opType: opType)
    }

    /// The opset versions at which the op changed, ascending; empty if unknown.
    public func sinceVersions(domain: String, opType: String) -> [Int] {
        versions(domain: domain, opType: opType).map(\.sinceVersion)
    }

    public func contains(domain: String, opType: String) -> Bool {
        !versions(domain: domain, opType: opType).isEmpty
    }

    /// Names of all ops in the domain (at any version, deprecated ones included), sorted.
    public func allOps(domain: String) -> [String] {
        (byDomain[Self.canonicalDomain(domain)]?.keys).map { $0.sorted() } ?? []
    }

    /// The highest opset version known for the domain (28 for ai.onnx with onnx 1.23), nil if unknown.
    public func latestOpset(domain: String) -> Int? {
        latestOpsets[Self.canonicalDomain(domain)]
    }

    /// Domains with at least one op, `""` standing for ai.onnx, sorted.
    public var domains: [String] {
        byDomain.keys.sorted()
    }

    private func versions(domain: String, opType: String) -> [OpSchema] {
        byDomain[Self.canonicalDomain(domain)]?[opType] ?? []
    }
}
