import Foundation
import Testing
import NumPy
import ONNX
import TensorIO

/// The files `converters/onnx/make_tensor_fixtures.py` writes with the real onnx package
/// (testdata/tensors/, listed in its README.md), and the values they hold.
///
/// Each formula file has dims [2, 3, 4] and, at C-order index k = 0…23, the value of the same formula as
/// the script's FORMULAS table, so expected numbers come from the formula, not from the reader under test.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TensorIOTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
    static let directory = root.appendingPathComponent("testdata/tensors")
    static let cnnModel = root.appendingPathComponent("testdata/onnx/cnn.onnx")
    static let cnnTestDataSet = directory.appendingPathComponent("cnn_test_data_set_0")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    static func read(_ name: String) throws -> Tensor { try TensorProtoFile.read(from: url(name)) }

    // The formulas, as in make_tensor_fixtures.py.
    static let dims: [Int64] = [2, 3, 4]
    static let k = Array(0..<24)
    /// float32 and float16: (k − 12) / 4, exact in both.
    static let quarters = k.map { Float($0 - 12) / 4 }
    /// double: (k − 12) / 3, one correctly rounded division as in numpy.
    static let thirds = k.map { Double($0 - 12) / 3 }
    static let int64s = k.map { Int64($0 - 12) << 40 }
    static let int8s = k.map { Int8($0 - 12) }
    static let uint32s = k.map { UInt32($0 * 100_000_000) }
    static let bools = k.map { $0 % 3 == 0 }

    /// The formula files written with numpy_helper.from_array (elements in raw_data), by tensor name.
    static let rawFormulaNames = ["float32", "float16", "double", "int64", "int8", "uint32", "bool"]
    /// The make_tensor(raw=False) files: `<name>_typed.pb` holds what `<name>.pb` holds, in a typed field.
    static let typedNames = ["float32", "float16", "int64", "double", "uint32"]
    /// Every `.pb` file in testdata/tensors.
    static let allTensorFiles = rawFormulaNames.map { "\($0).pb" } + typedNames.map { "\($0)_typed.pb" }
        + ["scalar.pb", "empty.pb", "string.pb", "cnn_test_data_set_0/input_0.pb", "cnn_test_data_set_0/output_0.pb"]

    static let strings = ["onnx", "tensör"]

    /// cnn.onnx's input in the bundles: x[k] = ((37·k) mod 64 − 32) / 16, shape [2, 1, 8, 8].
    static let cnnInput = (0..<128).map { Float((37 * $0) % 64 - 32) / 16 }
    static let cnnInputDims: [Int64] = [2, 1, 8, 8]
    static let cnnOutputDims: [Int64] = [2, 10]

    static func cnnGraph() throws -> Graph {
        try #require(try ModelFile.load(cnnModel).graph)
    }

    /// A graph with the given runtime inputs and outputs (no nodes: the bundle only looks at names).
    static func graph(inputs: [String], outputs: [String] = ["y"], initializers: [Tensor] = []) -> Graph {
        Graph(
            name: "g", inputs: inputs.map { Value(name: $0) }, outputs: outputs.map { Value(name: $0) },
            initializers: initializers)
    }

    /// A fresh empty directory under the system temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("TensorIOTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func contents(of directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }
}

/// Little-endian bytes, computed independently of the code under test.
func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> Data {
    var data = Data()
    for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    return data
}

/// The `TensorIOError` `body` throws, after checking its one-line description starts with `file`.
/// Records an issue (and returns nil) if it throws something else or nothing.
@discardableResult
func expectTensorIOError(
    file: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> TensorIOError? {
    do {
        try body()
        Issue.record("expected a TensorIOError for \(file), got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as TensorIOError {
        #expect(error.file == file, sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("\(file): "), "\(error)", sourceLocation: sourceLocation)
        #expect(!error.description.contains("\n"), "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a TensorIOError for \(file), got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// True when the tensor's data holds exactly as many elements as its dims call for: what every tensor a
/// reader returns must satisfy, or later code indexes past the data.
func dataMatchesDims(_ tensor: Tensor) -> Bool {
    guard let count = tensor.elementCount, let type = tensor.dataType else { return false }
    if type == .string {
        switch tensor.storage {
        case .strings(let values): return values.count == count
        case .none: return count == 0
        default: return false
        }
    }
    guard let raw = try? tensor.rawBytes() else { return false }
    return raw.count == type.byteCount(elements: count)
}

/// SplitMix64: a seeded generator so fuzz cases are the same on every run and a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> Data {
        Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &self) })
    }
}
