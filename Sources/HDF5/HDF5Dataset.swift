import Foundation
import CHDF5

/// A dataset in an open file: its shape and stored type, read on demand.
///
/// The read functions convert in libhdf5 (any integer or float width, either byte order, to the requested
/// type) and decompress chunked, deflate-compressed data transparently. Out-of-range values are not
/// reported: libhdf5 clamps integers to the target's range and turns float overflow into ±infinity.
public struct HDF5Dataset: Sendable {
    public let path: String
    /// `[]` for a scalar dataset; `[0]` for one with a null dataspace.
    public let shape: [Int]
    public let elementType: HDF5ElementType
    let file: HDF5File

    public func readFloats() throws(HDF5Error) -> [Float] {
        try readElements { elements throws(HDF5Error) in
            try elements.numbers(memoryType: chdf5_t_native_float()) { Float($0) }
        }
    }

    /// The elements as float32 in little-endian order (ONNX raw_data), without an intermediate array.
    public func readFloatData() throws(HDF5Error) -> Data {
        try readElements { elements throws(HDF5Error) in
            try elements.floatBytes(memoryType: chdf5_t_native_float())
        }
    }

    public func readDoubles() throws(HDF5Error) -> [Double] {
        try readElements { elements throws(HDF5Error) in
            try elements.numbers(memoryType: chdf5_t_native_double()) { Double($0) }
        }
    }

    public func readInt64s() throws(HDF5Error) -> [Int64] {
        try readElements { elements throws(HDF5Error) in
            try elements.numbers(memoryType: chdf5_t_native_int64()) { $0 }
        }
    }

    /// The elements of a fixed- or variable-length string dataset, in C order.
    public func readStrings() throws(HDF5Error) -> [String] {
        try readElements { elements throws(HDF5Error) in try elements.strings() }
    }

    public func attributeNames() throws(HDF5Error) -> [String] {
        try HDF5Lock.run(file: file.path, object: path) { () throws(HDF5Error) -> [String] in
            try HDF5Attributes.names(in: file, path)
        }
    }

    /// The attribute's value, or nil when the dataset has no attribute by that name.
    public func attribute(_ name: String) throws(HDF5Error) -> HDF5Value? {
        try HDF5Lock.run(file: file.path, object: "attribute '\(name)' of \(path)") { () throws(HDF5Error) -> HDF5Value? in
            try HDF5Attributes.value(in: file, path, name)
        }
    }

    /// Reads shape and type of the dataset at `path`. Lock held.
    static func open(in file: HDF5File, _ path: String) throws(HDF5Error) -> HDF5Dataset {
        try withOpen(file, path) { _, type, space throws(HDF5Error) in
            let extent = try HDF5Extent.read(space) { file.error(path, $0) }
            return HDF5Dataset(path: path, shape: extent.shape, elementType: HDF5ElementType(type: type), file: file)
        }
    }

    private func readElements<T: Sendable>(_ body: (HDF5Elements) throws(HDF5Error) -> T) throws(HDF5Error) -> T {
        try HDF5Lock.run(file: file.path, object: path) { () throws(HDF5Error) -> T in
            try Self.withOpen(file, path) { dataset, type, space throws(HDF5Error) in
                let elements = HDF5Elements(
                    file: file, object: path, subject: "", type: type, space: space,
                    extent: try HDF5Extent.read(space) { file.error(path, $0) },
                    byteLimit: try HDF5Storage.byteLimit(dataset, file: file, path: path),
                    read: { H5Dread(dataset, $0, chdf5_s_all(), chdf5_s_all(), $1, $2) })
                defer { file.image?.dropResidentPages() }
                return try body(elements)
            }
        }
    }

    /// Opens the dataset with its file type and dataspace, closing all three afterwards. Lock held.
    private static func withOpen<T>(
        _ file: HDF5File, _ path: String, _ body: (hid_t, hid_t, hid_t) throws(HDF5Error) -> T
    ) throws(HDF5Error) -> T {
        let dataset = H5Dopen2(file.id, path, chdf5_p_default())
        guard dataset >= 0 else { throw file.libraryError(path, "cannot open dataset") }
        defer { H5Dclose(dataset) }
        let type = H5Dget_type(dataset)
        guard type >= 0 else { throw file.libraryError(path, "cannot read the dataset's type") }
        defer { H5Tclose(type) }
        let space = H5Dget_space(dataset)
        guard space >= 0 else { throw file.libraryError(path, "cannot read the dataset's dataspace") }
        defer { H5Sclose(space) }
        return try body(dataset, type, space)
    }
}
