import CHDF5

/// Attributes of a group or dataset, which share this code. Every function expects HDF5Lock to be held.
enum HDF5Attributes {
    /// Names of the attributes on the object at `path`, sorted.
    static func names(in file: HDF5File, _ path: String) throws(HDF5Error) -> [String] {
        let object = try HDF5Objects.open(in: file, path)
        defer { H5Oclose(object) }
        var names: [String] = []
        // H5Aiterate2 is the one attribute-listing call with the same signature from 1.8 through 1.14.
        let status = withUnsafeMutablePointer(to: &names) { pointer in
            H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_NATIVE, nil, { _, name, _, context in
                guard let name, let context else { return -1 }
                context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                return 0
            }, pointer)
        }
        guard status >= 0 else { throw file.libraryError(path, "cannot list attributes") }
        return names.sorted()
    }

    /// The attribute `name` of the object at `path`, or nil when it has none by that name.
    static func value(in file: HDF5File, _ path: String, _ name: String) throws(HDF5Error) -> HDF5Value? {
        let object = try HDF5Objects.open(in: file, path)
        defer { H5Oclose(object) }
        let exists = H5Aexists(object, name)
        guard exists >= 0 else { throw file.libraryError(path, "attribute '\(name)': cannot look up") }
        guard exists > 0 else { return nil }
        let attribute = H5Aopen(object, name, chdf5_p_default())
        guard attribute >= 0 else { throw file.libraryError(path, "attribute '\(name)': cannot open") }
        defer { H5Aclose(attribute) }
        return try read(attribute, in: file, path, name)
    }

    private static func read(_ attribute: hid_t, in file: HDF5File, _ path: String, _ name: String)
        throws(HDF5Error) -> HDF5Value
    {
        let subject = "attribute '\(name)': "
        let type = H5Aget_type(attribute)
        guard type >= 0 else { throw file.libraryError(path, subject + "cannot read its type") }
        defer { H5Tclose(type) }
        let space = H5Aget_space(attribute)
        guard space >= 0 else { throw file.libraryError(path, subject + "cannot read its dataspace") }
        defer { H5Sclose(space) }
        let extent = try HDF5Extent.read(space) { file.error(path, subject + $0) }
        // Attribute data sits uncompressed in the object header or dense storage, so the file size bounds it.
        let elements = HDF5Elements(
            file: file, object: path, subject: subject, type: type, space: space, extent: extent,
            byteLimit: file.byteCount, read: { memoryType, _, buffer in H5Aread(attribute, memoryType, buffer) })
        return try value(of: elements)
    }

    private static func value(of elements: HDF5Elements) throws(HDF5Error) -> HDF5Value {
        let shape = elements.extent.shape
        switch HDF5ElementType(type: elements.type) {
        case .string:
            let texts = try elements.strings()
            if shape.isEmpty, let text = texts.first { return .string(text) }
            return .strings(texts)
        case .int, .bool:
            return .integers(try elements.numbers(memoryType: chdf5_t_native_int64()) { $0 }, shape: shape)
        case .float16, .float32, .float64:
            return .floats(try elements.numbers(memoryType: chdf5_t_native_double()) { Double($0) }, shape: shape)
        case .other(let kind):
            throw elements.error("holds \(kind) data, which this reader does not handle")
        }
    }
}
