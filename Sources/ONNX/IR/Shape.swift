/// One dimension of a declared tensor shape: a number, a named symbol (`batch`), or unknown.
public struct Dimension: Equatable, Sendable, CustomStringConvertible {
    public enum Size: Equatable, Sendable {
        case known(Int64)
        case symbolic(String)
        case unknown
    }

    public var size: Size
    public var denotation: String?

    public init(_ size: Size, denotation: String? = nil) {
        self.size = size
        self.denotation = denotation
    }

    public static func known(_ value: Int64) -> Dimension { Dimension(.known(value)) }
    public static func symbolic(_ name: String) -> Dimension { Dimension(.symbolic(name)) }
    public static var unknown: Dimension { Dimension(.unknown) }

    public var value: Int64? {
        if case .known(let v) = size { return v }
        return nil
    }

    public var description: String {
        switch size {
        case .known(let v): return String(v)
        case .symbolic(let name): return name
        case .unknown: return "?"
        }
    }
}

/// A declared tensor shape. Absence of a shape (rank unknown) is `nil` where a shape is optional;
/// an empty `dims` is a scalar.
public struct TensorShape: Equatable, Sendable, CustomStringConvertible {
    public var dims: [Dimension]

    public init(_ dims: [Dimension]) { self.dims = dims }
    public init(_ values: [Int64]) { dims = values.map(Dimension.known) }

    public var rank: Int { dims.count }

    /// All dimensions as numbers, or nil when any is symbolic or unknown.
    public var concreteValues: [Int64]? {
        var values: [Int64] = []
        values.reserveCapacity(dims.count)
        for dim in dims {
            guard let v = dim.value else { return nil }
            values.append(v)
        }
        return values
    }

    public var description: String { "[" + dims.map(\.description).joined(separator: ", ") + "]" }
}
