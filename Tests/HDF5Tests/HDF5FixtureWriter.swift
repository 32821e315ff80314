import CHDF5
import Foundation
@testable import HDF5

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// Writes test files through libhdf5's own C API, so fixtures are what real writers (h5py, Keras) produce.
/// Every call holds `HDF5Lock` like the reader: libhdf5 is not thread-safe and tests run in parallel.
final class HDF5FixtureWriter {
    /// Where a write goes: a dataset at a path, or an attribute on the object at a path.
    enum Target {
        case dataset(String)
        case attribute(on: String, name: String)
    }

    private let file: hid_t

    init(path: String) throws {
        file = HDF5Lock.run { H5Fcreate(path, chdf5_f_acc_trunc(), chdf5_p_default(), chdf5_p_default()) }
        guard file >= 0 else { throw FixtureError(description: "cannot create \(path)") }
    }

    deinit {
        let file = file
        _ = HDF5Lock.run { H5Fclose(file) }
    }

    func group(_ path: String) throws {
        try HDF5Lock.run { () throws in
            let group = H5Gcreate2(file, path, chdf5_p_default(), chdf5_p_default(), chdf5_p_default())
            try check(group, "create group \(path)")
            H5Gclose(group)
        }
    }

    /// `values` in `memoryType`'s layout, stored as `fileType` (libhdf5 converts); `chunks` makes a
    /// dataset chunked and deflate-compressed.
    /// The types are autoclosures because even `H5T_NATIVE_FLOAT` is a libhdf5 call (`H5open`) and must
    /// run under the lock.
    func numbers<T>(
        _ target: Target, _ values: [T], shape: [Int], memoryType: @autoclosure () -> hid_t,
        fileType: @autoclosure () -> hid_t, chunks: [Int]? = nil
    ) throws {
        try values.withUnsafeBytes { bytes in
            try HDF5Lock.run { () throws in
                try write(target, fileType: fileType(), shape: shape, chunks: chunks, memoryType: memoryType(),
                          buffer: bytes.baseAddress)
            }
        }
    }

    /// A dataset created but never written: it reads as fill values, and only its header is in the file.
    func unwritten(_ path: String, fileType: @autoclosure () -> hid_t, shape: [Int], chunks: [Int]? = nil) throws {
        try HDF5Lock.run { () throws in
            let type = fileType()
            try write(.dataset(path), fileType: type, shape: shape, chunks: chunks, memoryType: type, buffer: nil)
        }
    }

    /// IEEE half floats laid out as h5py does it: a float32 copy with 16-bit fields and bias 15.
    func float16(_ target: Target, _ values: [Float], shape: [Int]) throws {
        let type = try HDF5Lock.run { () throws -> hid_t in
            let type = H5Tcopy(chdf5_t_native_float())
            try check(type, "copy float type")
            guard H5Tset_fields(type, 15, 10, 5, 0, 10) >= 0, H5Tset_size(type, 2) >= 0,
                H5Tset_ebias(type, 15) >= 0
            else { throw FixtureError(description: "cannot build a half type") }
            return type
        }
        defer { _ = HDF5Lock.run { H5Tclose(type) } }
        try numbers(target, values, shape: shape, memoryType: chdf5_t_native_float(), fileType: type)
    }

    /// h5py's bool: an int8 enum with FALSE = 0 and TRUE = 1.
    func bools(_ target: Target, _ values: [Bool], shape: [Int]) throws {
        let type = try HDF5Lock.run { () throws -> hid_t in
            let type = H5Tenum_create(chdf5_t_native_int8())
            try check(type, "create enum")
            var no: Int8 = 0, yes: Int8 = 1
            guard H5Tenum_insert(type, "FALSE", &no) >= 0, H5Tenum_insert(type, "TRUE", &yes) >= 0 else {
                throw FixtureError(description: "cannot build a bool enum")
            }
            return type
        }
        defer { _ = HDF5Lock.run { H5Tclose(type) } }
        try numbers(target, values.map { Int8($0 ? 1 : 0) }, shape: shape, memoryType: type, fileType: type)
    }

    /// Fixed-length strings of `size` bytes, padded as `padding` says (numpy's `S` dtype is NUL-padded).
    func fixedStrings(
        _ target: Target, _ values: [String], size: Int, shape: [Int],
        padding: H5T_str_t = H5T_STR_NULLPAD, cset: H5T_cset_t = H5T_CSET_ASCII
    ) throws {
        let pad: UInt8 = padding == H5T_STR_SPACEPAD ? 0x20 : 0
        let bytes = values.flatMap { Array($0.utf8.prefix(size)) + Array(repeating: pad, count: max(0, size - $0.utf8.count)) }
        let type = try stringType(size: size, cset: cset, padding: padding)
        defer { _ = HDF5Lock.run { H5Tclose(type) } }
        try numbers(target, bytes, shape: shape, memoryType: type, fileType: type)
    }

    /// Variable-length strings, as h5py stores Python `str`.
    func variableStrings(_ target: Target, _ values: [String], shape: [Int], cset: H5T_cset_t = H5T_CSET_UTF8)
        throws
    {
        let type = try stringType(size: chdf5_t_variable(), cset: cset, padding: H5T_STR_NULLTERM)
        defer { _ = HDF5Lock.run { H5Tclose(type) } }
        let pointers = values.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        try numbers(target, pointers, shape: shape, memoryType: type, fileType: type)
    }

    private func stringType(size: Int, cset: H5T_cset_t, padding: H5T_str_t) throws -> hid_t {
        try HDF5Lock.run { () throws -> hid_t in
            let type = H5Tcopy(chdf5_t_c_s1())
            try check(type, "copy string type")
            guard H5Tset_size(type, size) >= 0, H5Tset_cset(type, cset) >= 0, H5Tset_strpad(type, padding) >= 0
            else { throw FixtureError(description: "cannot build a string type") }
            return type
        }
    }

    /// Lock held.
    private func write(
        _ target: Target, fileType: hid_t, shape: [Int], chunks: [Int]?, memoryType: hid_t,
        buffer: UnsafeRawPointer?
    ) throws {
        let space = try dataspace(shape)
        defer { H5Sclose(space) }
        switch target {
        case .dataset(let path):
            let plist = try creationProperties(chunks: chunks)
            defer { H5Pclose(plist) }
            let dataset = H5Dcreate2(file, path, fileType, space, chdf5_p_default(), plist, chdf5_p_default())
            try check(dataset, "create dataset \(path)")
            defer { H5Dclose(dataset) }
            if let buffer {
                try check(H5Dwrite(dataset, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer),
                          "write dataset \(path)")
            }
        case .attribute(let path, let name):
            let object = H5Oopen(file, path, chdf5_p_default())
            try check(object, "open \(path)")
            defer { H5Oclose(object) }
            let attribute = H5Acreate2(object, name, fileType, space, chdf5_p_default(), chdf5_p_default())
            try check(attribute, "create attribute \(name) on \(path)")
            defer { H5Aclose(attribute) }
            if let buffer { try check(H5Awrite(attribute, memoryType, buffer), "write attribute \(name)") }
        }
    }

    private func dataspace(_ shape: [Int]) throws -> hid_t {
        let dims = shape.map { hsize_t($0) }
        let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), dims, nil)
        try check(space, "create dataspace \(shape)")
        return space
    }

    private func creationProperties(chunks: [Int]?) throws -> hid_t {
        let plist = H5Pcreate(chdf5_p_dataset_create())
        try check(plist, "create dataset properties")
        if let chunks {
            let dims = chunks.map { hsize_t($0) }
            guard H5Pset_chunk(plist, Int32(dims.count), dims) >= 0, H5Pset_deflate(plist, 6) >= 0 else {
                H5Pclose(plist)
                throw FixtureError(description: "cannot set chunking \(chunks)")
            }
        }
        return plist
    }

    private func check<Status: BinaryInteger>(_ status: Status, _ what: String) throws {
        guard status >= 0 else { throw FixtureError(description: "libhdf5 failed to \(what)") }
    }
}
