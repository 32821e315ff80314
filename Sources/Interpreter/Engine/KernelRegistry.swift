import ONNX

/// Kernels by (domain, op type, since-version). Dispatch picks the highest since-version not above the
/// model's opset for the domain, as onnx's reference evaluator and onnxruntime do.
public struct KernelRegistry: Sendable {
    private let table: [String: [String: [KernelRegistration]]]

    /// Every kernel family of the interpreter.
    public static let standard = KernelRegistry(families: KernelFamilies.all)

    public init(families: [[KernelRegistration]]) {
        var table: [String: [String: [KernelRegistration]]] = [:]
        for registration in families.joined() {
            table[registration.domain, default: [:]][registration.opType, default: []].append(registration)
        }
        for (domain, ops) in table {
            for (op, registrations) in ops {
                let sorted = registrations.sorted { $0.sinceVersion < $1.sinceVersion }
                for (a, b) in zip(sorted, sorted.dropFirst()) where a.sinceVersion == b.sinceVersion {
                    preconditionFailure("kernel \(domain.isEmpty ? "" : domain + "::")\(op)-\(a.sinceVersion) registered twice")
                }
                table[domain]?[op] = sorted
            }
        }
        self.table = table
    }

    /// The registration serving `opType` at `opset`, if any.
    public func kernel(domain: String, opType: String, opset: Int) -> KernelRegistration? {
        table[OpSchemaRegistry.canonicalDomain(domain)]?[opType]?.last { $0.sinceVersion <= opset }
    }

    /// All registered (domain, op type, since-version) triples, for docs and coverage reports.
    public var registrations: [KernelRegistration] {
        table.values.flatMap { $0.values.joined() }
            .sorted { ($0.domain, $0.opType, $0.sinceVersion) < ($1.domain, $1.opType, $1.sinceVersion) }
    }
}
