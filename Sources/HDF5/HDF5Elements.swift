import Foundation
import CHDF5
import Limits

/// The elements of an open dataset or attribute, read into Swift arrays. Both go through here so numeric
/// conversion, string decoding and size checks behave the same for each. Every function expects HDF5Lock
/// to be held and the ids to stay open for the struct's lifetime; the creator closes them.
struct HDF5Elements {
    let file: HDF5File
    /// Full path of the object, for errors.
    let object: String
    /// Prefix for messages about an attribute (`attribute 'names': `); empty for a dataset.
    let subject: String
    /// The type as stored in the file, and the dataspace of the stored elements.
    let type: hid_t
    let space: hid_t
    let extent: HDF5Extent
    /// The most bytes (in the file's element size) the file could hold for this object.
    let byteLimit: Int
    /// H5Dread or H5Aread of all elements into `buffer`, converted to `memoryType`. `transfer` is a
    /// dataset transfer property list (H5P_DEFAULT or one that bounds variable-length allocations);
    /// H5Aread takes none, so attributes ignore it.
    let read: (_ memoryType: hid_t, _ transfer: hid_t, _ buffer: UnsafeMutableRawPointer) -> herr_t

    func error(_ message: String) -> HDF5Error {
        file.error(object, subject + message)
    }

    func libraryError(_ message: String) -> HDF5Error {
        file.libraryError(object, subject + message)
    }

    /// All elements converted by libhdf5 to the native numeric `memoryType` (T's layout). h5py bools,
    /// which libhdf5 will not convert to numbers, are read as integers and passed through `fromInteger`.
    func numbers<T: BitwiseCopyable>(memoryType: hid_t, fromInteger: (Int64) -> T) throws(HDF5Error) -> [T] {
        switch H5Tget_class(type) {
        case H5T_INTEGER, H5T_FLOAT:
            try checkSize(memoryElementSize: MemoryLayout<T>.stride)
            return try fill(count: extent.count, memoryType: memoryType, of: T.self)
        case H5T_ENUM where HDF5ElementType(type: type) == .bool:
            return try enumBytes().map { fromInteger(Int64($0)) }
        case H5T_STRING:
            throw error("holds strings, not numbers")
        case let typeClass:
            throw error("holds \(HDF5ElementType.className(typeClass)) data, not numbers")
        }
    }

    /// Integer or float elements as float32 values in little-endian byte order (ONNX's raw_data layout),
    /// read by libhdf5 straight into the returned buffer: big weight arrays are never copied again.
    func floatBytes(memoryType: hid_t) throws(HDF5Error) -> Data {
        switch H5Tget_class(type) {
        case H5T_INTEGER, H5T_FLOAT:
            try checkSize(memoryElementSize: 4)
            let count = extent.count
            guard count > 0, let memory = WeightMemory.allocate(bytes: count * 4) else { return Data() }
            guard read(memoryType, chdf5_p_default(), memory) >= 0 else {
                free(memory)
                throw libraryError("cannot read data")
            }
            #if _endian(big)
            let words = memory.bindMemory(to: UInt32.self, capacity: count)
            for i in 0..<count { words[i] = words[i].byteSwapped }
            #endif
            return Data(bytesNoCopy: memory, count: count * 4, deallocator: .free)
        default:
            let values = try numbers(memoryType: memoryType) { Float($0) }
            return values.withUnsafeBytes { Data($0) }
        }
    }

    /// All elements as text: fixed-length strings lose their padding, variable-length ones are copied out
    /// and their libhdf5-allocated memory freed. Bytes that are not UTF-8 become U+FFFD.
    func strings() throws(HDF5Error) -> [String] {
        guard H5Tget_class(type) == H5T_STRING else { throw error("does not hold strings") }
        let isVariable = H5Tis_variable_str(type)
        guard isVariable >= 0 else { throw libraryError("unreadable string type") }
        return isVariable > 0 ? try variableStrings() : try fixedStrings()
    }

    // MARK: - Numbers

    /// Refuses counts the file cannot back, or the memory budget does not allow, before allocating: a
    /// damaged header can claim any shape. `fileElementSize` is what one element takes in the file
    /// (the stored type's size unless the caller knows better, as for variable-length references).
    private func checkSize(memoryElementSize: Int, fileElementSize: Int? = nil) throws(HDF5Error) {
        let stored = fileElementSize ?? H5Tget_size(type)
        let (fileBytes, fileOverflow) = extent.count.multipliedReportingOverflow(by: stored)
        let (memoryBytes, memoryOverflow) = extent.count.multipliedReportingOverflow(by: memoryElementSize)
        guard !fileOverflow, !memoryOverflow else {
            throw error("shape \(extent.shape) has more elements than fit in memory")
        }
        guard fileBytes <= byteLimit else {
            throw error("shape \(extent.shape) needs \(fileBytes) bytes, more than the file can hold")
        }
        let budget = MemoryBudget.current
        guard memoryBytes <= budget.bytes else {
            throw error("shape \(extent.shape) needs \(MemoryBudget.format(memoryBytes)), "
                        + "over the memory budget of \(budget) (--max-memory)")
        }
    }

    /// `count` values of T, which must be what `read` writes for `memoryType`. Call `checkSize` first.
    private func fill<T: BitwiseCopyable>(count: Int, memoryType: hid_t, of _: T.Type) throws(HDF5Error) -> [T] {
        guard count > 0 else { return [] }
        var status: herr_t = -1
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            status = read(memoryType, chdf5_p_default(), UnsafeMutableRawPointer(base))
            // T is trivial, so a failed read can leave the memory as is and report nothing initialized.
            initialized = status >= 0 ? count : 0
        }
        guard status >= 0 else { throw libraryError("cannot read data") }
        return values
    }

    /// The raw 1-byte values of a bool enum, read as the enum itself (libhdf5 converts enums only to enums).
    private func enumBytes() throws(HDF5Error) -> [UInt8] {
        let memoryType = H5Tget_native_type(type, H5T_DIR_ASCEND)
        guard memoryType >= 0 else { throw libraryError("cannot map the enum type to memory") }
        defer { H5Tclose(memoryType) }
        guard H5Tget_size(memoryType) == 1 else { throw error("bool enum is not 1 byte in memory") }
        try checkSize(memoryElementSize: 1)
        return try fill(count: extent.count, memoryType: memoryType, of: UInt8.self)
    }

    // MARK: - Strings

    /// A variable-length C-string memory type in the file's character set: libhdf5 does not convert
    /// between ASCII and UTF-8 and fails the read if they differ.
    private func variableStringMemoryType() throws(HDF5Error) -> hid_t {
        let memoryType = H5Tcopy(chdf5_t_c_s1())
        guard memoryType >= 0 else { throw libraryError("cannot create a string memory type") }
        guard H5Tset_size(memoryType, chdf5_t_variable()) >= 0, H5Tset_cset(memoryType, H5Tget_cset(type)) >= 0
        else {
            H5Tclose(memoryType)
            throw libraryError("cannot create a string memory type")
        }
        return memoryType
    }

    /// Variable-length strings live in the file's global heap, uncompressed, so together they cannot be
    /// longer than the file (plus a terminating NUL each). Datasets are read with an allocator that
    /// refuses more (H5Aread takes no transfer list; a supervising process bounds attributes).
    private func variableStrings() throws(HDF5Error) -> [String] {
        // In the file each element is a heap reference: a 4-byte length, an address and a 4-byte index.
        try checkSize(memoryElementSize: MemoryLayout<UnsafeMutablePointer<CChar>?>.stride,
                      fileElementSize: 16)
        guard extent.count > 0 else { return [] }
        let memoryType = try variableStringMemoryType()
        defer { H5Tclose(memoryType) }
        let (heapBound, overflow) = file.byteCount.addingReportingOverflow(extent.count)
        let limit = min(overflow ? Int.max : heapBound, MemoryBudget.current.bytes)
        let allocator = HDF5BoundedAllocator(limit: limit)
        let transfer = try allocator.transferList { libraryError($0) }
        defer { H5Pclose(transfer) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: extent.count)
        let status = pointers.withUnsafeMutableBytes { raw -> herr_t in
            guard let base = raw.baseAddress else { return -1 }
            return read(memoryType, transfer, base)
        }
        let reason = limit < heapBound || overflow ? "over the memory budget (--max-memory)" : "more than the file holds"
        let failure: HDF5Error? = if allocator.refused {
            error("variable-length strings need more than \(MemoryBudget.format(limit)), \(reason)")
        } else if status < 0 {
            libraryError("cannot read strings")
        } else {
            nil
        }
        // libhdf5 malloc'd each string (the bounded allocator uses malloc too); 1.10 frees them with
        // H5Dvlen_reclaim (H5Treclaim from 1.12). Elements a failed read never reached are still nil,
        // which it skips.
        defer {
            pointers.withUnsafeMutableBytes { raw in
                _ = raw.baseAddress.map { H5Dvlen_reclaim(memoryType, space, chdf5_p_default(), $0) }
            }
        }
        if let failure { throw failure }
        // String(cString:) replaces bytes that are not UTF-8 with U+FFFD rather than failing.
        return pointers.map { pointer in pointer.map { String(cString: $0) } ?? "" }
    }

    private func fixedStrings() throws(HDF5Error) -> [String] {
        let size = H5Tget_size(type)
        guard size > 0 else { throw error("string type has size 0") }
        try checkSize(memoryElementSize: size)
        guard extent.count > 0 else { return [] }
        // The file's own type as the memory type: libhdf5 then copies bytes unchanged, where a conversion
        // to a null-terminated type would overwrite the last character of a string that fills its size.
        let memoryType = H5Tcopy(type)
        guard memoryType >= 0 else { throw libraryError("cannot copy the string type") }
        defer { H5Tclose(memoryType) }
        // checkSize has shown count × size does not overflow.
        let bytes = try fill(count: extent.count * size, memoryType: memoryType, of: UInt8.self)
        let padding = H5Tget_strpad(type)
        return stride(from: 0, to: bytes.count, by: size).map { start in
            Self.unpadded(bytes[start..<start + size], padding: padding)
        }
    }

    /// One fixed-length string without its padding: C strings end at the first NUL; NUL-padded ones
    /// (numpy's `S` dtype, so Keras's name lists) and space-padded ones (Fortran) lose trailing pad bytes.
    static func unpadded(_ bytes: ArraySlice<UInt8>, padding: H5T_str_t) -> String {
        let text: ArraySlice<UInt8>
        switch padding {
        case H5T_STR_NULLTERM:
            text = bytes.prefix { $0 != 0 }
        case H5T_STR_SPACEPAD:
            text = bytes[..<(bytes.lastIndex { $0 != 0x20 && $0 != 0 }.map { $0 + 1 } ?? bytes.startIndex)]
        default:
            text = bytes[..<(bytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? bytes.startIndex)]
        }
        return String(decoding: text, as: UTF8.self)
    }
}
