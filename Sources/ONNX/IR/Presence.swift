/// A value that remembers whether it was set, as a proto2 `optional` field does.
///
/// onnx.proto is proto2: a field set to its default (`name: ""`) differs from an absent one, and onnx's
/// own helpers produce both. The IR reads like plain values (`node.name` is a `String`) while `$name`
/// tells whether the field was present, so a load → save round trip reproduces the message exactly.
@propertyWrapper
public struct Presence<Value: Equatable & Sendable & ProtoDefaultValue>: Equatable, Sendable {
    public var projectedValue: Value?

    public init(_ value: Value?) { projectedValue = value }
    /// A field declared with an initial value starts present, as if assigned.
    public init(wrappedValue: Value) { projectedValue = wrappedValue }

    public var wrappedValue: Value {
        get { projectedValue ?? Value.protoDefault }
        set { projectedValue = newValue }
    }
}

/// The value a proto2 field reads as when absent.
public protocol ProtoDefaultValue { static var protoDefault: Self { get } }
extension String: ProtoDefaultValue { public static var protoDefault: String { "" } }
extension Int64: ProtoDefaultValue { public static var protoDefault: Int64 { 0 } }
extension Int32: ProtoDefaultValue { public static var protoDefault: Int32 { 0 } }
