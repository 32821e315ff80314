import Foundation

/// A constant tensor (`TensorProto`): initializers, attribute values, test data.
///
/// The data keeps the field it was stored in (`raw_data` or one of the typed fields), so a loaded model is
/// written back exactly as it was read; `rawBytes()` gives the little-endian raw form whatever the field.
public struct Tensor: Equatable, Sendable {
    /// Where the elements are stored in the message.
    public enum Storage: Equatable, Sendable {
        /// No data field set.
        case none
        case raw(Data)
        case floats([Float])
        case int32s([Int32])
        case int64s([Int64])
        case doubles([Double])
        case uint64s([UInt64])
        case strings([Data])
        /// Bytes still in an external file (`data_location: EXTERNAL`), not loaded.
        case external(ExternalDataReference)
    }

    public struct Segment: Equatable, Sendable {
        public var begin: Int64?
        public var end: Int64?
        public init(begin: Int64?, end: Int64?) { self.begin = begin; self.end = end }
    }

    @Presence public var name: String
    public var dataType: DataType?
    public var dims: [Int64]
    public var storage: Storage
    public var segment: Segment?
    public var docString: String?
    public var metadata: [MetadataEntry]
    /// `data_location` as written in the message when it was present (0 DEFAULT, 1 EXTERNAL).
    public var declaredDataLocation: Int32?

    public init(
        name: String?, dataType: DataType?, dims: [Int64], storage: Storage,
        segment: Segment? = nil, docString: String? = nil, metadata: [MetadataEntry] = [],
        declaredDataLocation: Int32? = nil
    ) {
        _name = Presence(name)
        self.dataType = dataType
        self.dims = dims
        self.storage = storage
        self.segment = segment
        self.docString = docString
        self.metadata = metadata
        self.declaredDataLocation = declaredDataLocation
    }

    /// A tensor whose elements are given as little-endian raw bytes.
    public init(name: String?, dataType: DataType, dims: [Int64], raw: Data) {
        self.init(name: name, dataType: dataType, dims: dims, storage: .raw(raw))
    }

    /// A float32 tensor.
    public init(name: String?, dims: [Int64], floats: [Float]) {
        self.init(name: name, dataType: .float, dims: dims, raw: floats.withUnsafeBytes { Data($0) })
    }

    /// The product of the dims, or nil if it overflows or a dim is negative.
    public var elementCount: Int? {
        var count = 1
        for dim in dims {
            guard dim >= 0, let d = Int(exactly: dim) else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Bytes of data the tensor holds, in raw form (strings: their total length). Counted from the stored
    /// values, not the dims, which may claim more than is there.
    public var byteCount: Int {
        switch storage {
        case .none: return 0
        case .raw(let data): return data.count
        case .external(let ref): return Int(clamping: max(0, ref.length ?? 0))
        case .strings(let values): return values.reduce(0) { $0 + $1.count }
        // complex64/complex128 take two entries per element, so count entries, not elements.
        case .floats(let v): return v.count * 4
        case .doubles(let v): return v.count * 8
        case .int64s(let v): return v.count * 8
        case .uint64s(let v): return v.count * (dataType == .uint32 ? 4 : 8)
        case .int32s(let v):
            // One element per entry from 8 bits up; one packed byte per entry for 4- and 2-bit types;
            // one 6-bit code per entry for the float6 types.
            guard let bits = dataType?.bitWidth else { return 0 }
            if bits >= 8 { return v.count * bits / 8 }
            return bits == 6 ? (v.count * 6 + 7) / 8 : v.count
        }
    }

    public var isExternal: Bool {
        if case .external = storage { return true }
        return false
    }
}

/// Where a tensor's bytes live when they are outside the model file (`external_data` entries).
public struct ExternalDataReference: Equatable, Sendable {
    /// The entries as written in the message, in order (location, offset, length, checksum, …).
    public var entries: [MetadataEntry]
    /// The folder the location is relative to: the model file's folder.
    public var baseDirectory: URL?

    public init(entries: [MetadataEntry], baseDirectory: URL?) {
        self.entries = entries
        self.baseDirectory = baseDirectory
    }

    public var location: String? { entries[key: "location"] }
    public var offset: Int64? { entries[key: "offset"].flatMap { Int64($0) } }
    public var length: Int64? { entries[key: "length"].flatMap { Int64($0) } }
}
