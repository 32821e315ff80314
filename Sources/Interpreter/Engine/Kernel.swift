import ONNX

/// A prepared operator: attributes are decoded once when the model is planned, `run` is called per
/// execution. Inputs left out by the node (empty names) arrive as nil; outputs the kernel does not
/// produce are returned as nil.
public protocol Kernel: Sendable {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?]
}

/// One kernel of the registry: the op it implements from `sinceVersion` on (until the next registration
/// of the same op), and how to prepare it for a node.
public struct KernelRegistration: Sendable {
    public let domain: String
    public let opType: String
    public let sinceVersion: Int
    public let make: @Sendable (NodeContext) throws -> any Kernel

    public init(_ opType: String, domain: String = "", since sinceVersion: Int,
                make: @escaping @Sendable (NodeContext) throws -> any Kernel) {
        self.domain = OpSchemaRegistry.canonicalDomain(domain)
        self.opType = opType
        self.sinceVersion = sinceVersion
        self.make = make
    }

    /// The same preparation for several since-versions whose semantics this kernel covers.
    public static func versions(_ opType: String, domain: String = "", _ versions: [Int],
                                make: @escaping @Sendable (NodeContext) throws -> any Kernel) -> [KernelRegistration] {
        versions.map { KernelRegistration(opType, domain: domain, since: $0, make: make) }
    }
}

/// A kernel made from a closure over tensors, for ops whose preparation needs nothing beyond the node.
public struct ClosureKernel: Kernel {
    let body: @Sendable ([RuntimeValue?], ExecutionContext) throws -> [RuntimeValue?]

    public init(_ body: @escaping @Sendable ([RuntimeValue?], ExecutionContext) throws -> [RuntimeValue?]) {
        self.body = body
    }

    public func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        try body(inputs, context)
    }
}
