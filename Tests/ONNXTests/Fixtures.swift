import Foundation
import SwiftProtobuf
@testable import ONNX

/// The models `converters/onnx/make_fixtures.py` writes with the real onnx package (testdata/onnx/), and
/// the values the script put in them. testdata/onnx/README.md lists what each file exercises.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ONNXTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("testdata/onnx")

    /// Every model file, paths relative to `directory`.
    static let all = ["cnn.onnx", "control_flow.onnx", "functions.onnx", "tensor_storage.onnx", external]

    static let external = "external/model.onnx"
    static let externalDirectory = directory.appendingPathComponent("external")
    static let externalLocation = "weights.data"

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    /// The message as swift-protobuf decodes the file: the reference every IR round trip must reproduce.
    static func proto(_ name: String) throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: try bytes(name))
    }

    static func load(_ name: String, loadExternalData: Bool = true) throws -> Model {
        try ModelFile.load(url(name), options: .init(loadExternalData: loadExternalData))
    }

    // The external model's weights, by the script's formulas.
    /// weight[i, j] = (32·i + j) / 4, 64×32 float32 (exact: quarters of integers below 2^11).
    static let externalWeight = (0..<(64 * 32)).map { Float($0) / 4 }
    /// bias[j] = j − 16, 32 float32.
    static let externalBias = (0..<32).map { Float($0 - 16) }
    /// steps[k] = 10^k, 5 int64.
    static let externalSteps: [Int64] = [1, 10, 100, 1000, 10000]

    /// A fresh empty directory under the system temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ONNXTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func contents(of directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    static func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> Data {
        var data = Data()
        for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func littleEndian(_ values: [Float]) -> Data { littleEndian(values.map(\.bitPattern)) }
    static func littleEndian(_ values: [Double]) -> Data { littleEndian(values.map(\.bitPattern)) }
}

extension Model {
    /// Every tensor of the model with its name, in `transformTensors` order.
    var allTensors: [Tensor] {
        var tensors: [Tensor] = []
        forEachTensor { tensors.append($0) }
        return tensors
    }

    /// The initializer of the main graph called `name`.
    func initializer(_ name: String) -> Tensor? {
        graph?.initializers.first { $0.name == name }
    }
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
