import Foundation
import Limits

/// Reading and writing single arrays in numpy's `.npy` format (versions 1.0, 2.0, 3.0).
///
/// Reading accepts either byte order and either memory order and returns little-endian C-order data.
/// Writing produces what `np.save` would: version 1.0 unless the header needs 2.0, data 64-byte aligned.
public enum NpyFile {
    public static func read(from url: URL) throws(NumPyError) -> NpyArray {
        // The whole file is read into memory: check its size first.
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        let budget = MemoryBudget.current
        guard size <= budget.bytes else {
            throw NumPyError(source: url.path, reason: .overBudget(
                "file of \(MemoryBudget.format(size)), over the memory budget of \(budget) (--max-memory)"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw NumPyError(source: url.path, reason: .io("cannot read: \(error.localizedDescription)"))
        }
        return try decode(data, source: url.path)
    }

    /// Decodes a whole `.npy` file held in memory. `source` names it in errors.
    /// Bytes after the data are ignored, as numpy ignores them.
    public static func decode(_ data: Data, source: String) throws(NumPyError) -> NpyArray {
        let (header, dataOffset) = try NpyHeader.read(from: data, source: source)
        let array = NpyArray(dtype: header.dtype, shape: header.shape, data: Data())
        guard let byteCount = array.byteCount else {
            throw NumPyError(source: source, reason: .malformedHeader("shape \(header.shape) is too large"))
        }
        let raw = data.dropFirst(dataOffset).prefix(byteCount)
        guard raw.count == byteCount else {
            throw NumPyError(source: source, reason: .truncatedData(expected: byteCount, got: raw.count))
        }
        // The data is copied (and maybe reordered) once more below.
        let budget = MemoryBudget.current
        guard byteCount <= budget.bytes else {
            throw NumPyError(source: source, reason: .overBudget(
                "shape \(header.shape) needs \(MemoryBudget.format(byteCount)), over the memory budget of \(budget) (--max-memory)"))
        }
        // Copying rebases the slice to index 0, which users of `NpyArray.data` will assume.
        var bytes = Data(raw)
        if header.isBigEndian {
            ElementOrder.swapBytes(&bytes, unit: header.dtype.swapUnit)
        }
        if header.fortranOrder {
            bytes = ElementOrder.fortranToC(bytes, shape: header.shape, itemSize: header.dtype.itemSize)
        }
        return NpyArray(dtype: header.dtype, shape: header.shape, data: bytes)
    }

    /// The `.npy` bytes for `array`: version 1.0 when the header fits its 16-bit length, else 2.0.
    /// Throws `invalidArray` if `array.data` does not hold exactly shape × item size bytes.
    public static func encode(_ array: NpyArray, source: String = "array") throws(NumPyError) -> Data {
        try encode(array, version: nil, source: source)
    }

    /// As `encode(_:)`, in a chosen format version; throws if the header does not fit it.
    public static func encode(_ array: NpyArray, version: NpyFormatVersion?, source: String = "array")
        throws(NumPyError) -> Data
    {
        try validate(array, source: source)
        let header = NpyHeader(for: array)
        let framed: Data?
        if let version {
            framed = header.framed(version: version)
        } else {
            framed = header.framed(version: .v1) ?? header.framed(version: .v2)
        }
        guard var bytes = framed else {
            throw NumPyError(source: source, reason: .invalidArray(
                "\(array.shape.count) dimensions make a header too long for .npy \(version.map { "\($0)" } ?? "v2")"))
        }
        bytes.append(array.data)
        return bytes
    }

    /// Writes `array` to `url` atomically: a failure leaves any existing file untouched and no new one.
    public static func write(_ array: NpyArray, to url: URL) throws(NumPyError) {
        let bytes = try encode(array, source: url.path)
        try AtomicFile.write(to: url) { temporary throws(NumPyError) in
            do {
                try bytes.write(to: temporary)
            } catch {
                throw NumPyError(source: url.path, reason: .io("cannot write: \(error.localizedDescription)"))
            }
        }
    }

    static func validate(_ array: NpyArray, source: String) throws(NumPyError) {
        guard let expected = array.byteCount else {
            throw NumPyError(source: source, reason: .invalidArray(
                "shape \(array.shape) has a negative dimension or is too large"))
        }
        guard expected == array.data.count else {
            throw NumPyError(source: source, reason: .invalidArray(
                "\(array.dtype) shape \(array.shape) needs \(expected) bytes, data has \(array.data.count)"))
        }
    }
}
