import CHDF5
import Foundation
import HDF5

/// The file most tests read: laid out like a Keras `.h5` (nested weight groups, name lists as fixed-length
/// byte strings, version strings as variable-length UTF-8) plus one dataset or attribute of each kind the
/// reader handles. Values are listed here so tests compare against the same constants.
enum SampleFile {
    static let kernel: [Float] = (0..<12).map { Float($0) * 0.5 - 2 }
    static let bias: [Double] = [0.125, -1e-300, 1e300, 3]
    static let int8s: [Int8] = [-128, -1, 0, 1, 127]
    static let int64s: [Int64] = [.min, -1, 0, .max]
    static let halves: [Float] = [1.5, -2.25, 65504, 0.000061035156]
    static let big: [Float] = (0..<(200 * 50)).map { Float($0 % 97) - 48 }
    static let words = ["alpha", "be", "", "gammadel"]
    static let variableWords = ["x", "", "ünïcödé ✓"]
    static let layerNames = ["dense", "dropout", "dense_1"]
    static let weightNames = ["dense/kernel:0", "dense/bias:0"]

    /// Writes the sample into a new temporary directory; returns the file's path. Remove with `remove`.
    static func create() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("HDF5Tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("sample.h5").path
        let writer = try HDF5FixtureWriter(path: path)
        try writeGroups(writer)
        try writeDatasets(writer)
        try writeAttributes(writer)
        return path
    }

    /// Deletes the temporary directory `create` made for `path`.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    private static func writeGroups(_ writer: HDF5FixtureWriter) throws {
        for group in ["/model_weights", "/model_weights/dense", "/model_weights/dense/dense",
                      "/model_weights/dropout", "/data"] {
            try writer.group(group)
        }
    }

    private static func writeDatasets(_ writer: HDF5FixtureWriter) throws {
        try writer.numbers(.dataset("/model_weights/dense/dense/kernel:0"), kernel, shape: [3, 4],
                           memoryType: chdf5_t_native_float(), fileType: chdf5_t_native_float(), chunks: [2, 2])
        try writer.numbers(.dataset("/model_weights/dense/dense/bias:0"), bias, shape: [4],
                           memoryType: chdf5_t_native_double(), fileType: chdf5_t_native_double())
        try writer.numbers(.dataset("/data/int8"), int8s, shape: [5],
                           memoryType: chdf5_t_native_int8(), fileType: chdf5_t_native_int8())
        try writer.numbers(.dataset("/data/int64_be"), int64s, shape: [2, 2],
                           memoryType: chdf5_t_native_int64(), fileType: chdf5_t_std_i64be())
        try writer.numbers(.dataset("/data/scalar"), [Float(3.25)], shape: [],
                           memoryType: chdf5_t_native_float(), fileType: chdf5_t_ieee_f32be())
        try writer.numbers(.dataset("/data/big"), big, shape: [200, 50],
                           memoryType: chdf5_t_native_float(), fileType: chdf5_t_native_float(), chunks: [64, 16])
        try writer.float16(.dataset("/data/half"), halves, shape: [4])
        try writer.bools(.dataset("/data/flags"), [true, false, true], shape: [3])
        try writer.fixedStrings(.dataset("/data/words"), words, size: 8, shape: [4], padding: H5T_STR_NULLTERM)
        try writer.variableStrings(.dataset("/data/variable_words"), variableWords, shape: [3])
    }

    private static func writeAttributes(_ writer: HDF5FixtureWriter) throws {
        try writer.variableStrings(.attribute(on: "/", name: "keras_version"), ["2.15.0"], shape: [])
        try writer.fixedStrings(.attribute(on: "/", name: "backend"), ["tensorflow"], size: 12, shape: [])
        try writer.fixedStrings(.attribute(on: "/", name: "fortran"), ["padded"], size: 10, shape: [],
                                padding: H5T_STR_SPACEPAD)
        try writer.variableStrings(.attribute(on: "/", name: "tags"), ["α", "b"], shape: [2])
        try writer.numbers(.attribute(on: "/", name: "epochs"), [Int64(12)], shape: [],
                           memoryType: chdf5_t_native_int64(), fileType: chdf5_t_native_int64())
        try writer.numbers(.attribute(on: "/", name: "learning_rate"), [0.001], shape: [],
                           memoryType: chdf5_t_native_double(), fileType: chdf5_t_native_double())
        try writer.numbers(.attribute(on: "/", name: "dims"), [Int32(1), 2, 3, 4, 5, 6], shape: [2, 3],
                           memoryType: chdf5_t_native_int32(), fileType: chdf5_t_native_uint16())
        try writer.bools(.attribute(on: "/", name: "trainable"), [true], shape: [])
        try writer.fixedStrings(.attribute(on: "/model_weights", name: "layer_names"), layerNames, size: 7,
                                shape: [3])
        // libhdf5 does not convert between ASCII and UTF-8, so the reader must ask for the file's own set.
        try writer.variableStrings(.attribute(on: "/model_weights", name: "ascii"), ["plain"], shape: [],
                                   cset: H5T_CSET_ASCII)
        try writer.fixedStrings(.attribute(on: "/model_weights", name: "utf8"), ["ünï", "ok"], size: 8, shape: [2],
                                cset: H5T_CSET_UTF8)
        try writer.fixedStrings(.attribute(on: "/model_weights/dense", name: "weight_names"), weightNames,
                                size: 14, shape: [2])
        // h5py stores Keras's empty `weight_names` list as an empty float64 array.
        try writer.numbers(.attribute(on: "/model_weights/dropout", name: "weight_names"), [Double](), shape: [0],
                           memoryType: chdf5_t_native_double(), fileType: chdf5_t_native_double())
        try writer.float16(.attribute(on: "/data/half", name: "scale"), [0.5], shape: [])
        try writer.fixedStrings(.attribute(on: "/data/words", name: "note"), ["a"], size: 4, shape: [1])
    }
}

extension SampleFile {
    /// Runs `body` on a fresh sample file opened through the reader.
    static func withOpen<T>(_ body: (HDF5File) throws -> T) throws -> T {
        let path = try create()
        defer { remove(path) }
        return try body(try HDF5File(path: path))
    }
}
