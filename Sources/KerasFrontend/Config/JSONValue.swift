import Foundation

/// A parsed JSON value: Keras stores model architectures as JSON (the `model_config` attribute of an .h5,
/// `config.json` in a .keras zip, `model.to_json()`), with layer options whose types vary by layer and by
/// Keras version, so they are read through typed accessors rather than fixed Codable structs.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses UTF-8 JSON text, with the NaN and Infinity that Python's json module writes for non-finite
    /// floats.
    public static func parse(_ data: Data) throws -> JSONValue {
        do {
            return try JSONParser.parse(data)
        } catch {
            throw KerasError.malformedConfig("the architecture is not valid JSON (\(error))")
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var isNull: Bool { self == .null }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var double: Double? { if case .number(let n) = self { return n }; return nil }

    /// A number that is a whole number.
    public var int: Int? {
        guard case .number(let n) = self, n.rounded() == n, abs(n) < 1e15 else { return nil }
        return Int(n)
    }
}
