/// A key/value pair (`StringStringEntryProto`): metadata props, external-data locations, bindings.
public struct MetadataEntry: Equatable, Sendable {
    @Presence public var key: String
    @Presence public var value: String

    public init(key: String?, value: String?) {
        _key = Presence(key)
        _value = Presence(value)
    }
}

extension Array where Element == MetadataEntry {
    /// The value of the first entry with `key`.
    public subscript(key key: String) -> String? {
        first { $0.key == key }?.value
    }
}
