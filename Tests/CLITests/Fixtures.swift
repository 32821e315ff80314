import Foundation
import ONNX

/// The files the CLI tests feed to `onnx-convert`: the ONNX fixtures of testdata/onnx/ (see its README)
/// and the NumPy fixtures of testdata/numpy/.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CLITests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    static let onnxDirectory = packageRoot.appendingPathComponent("testdata/onnx")
    static let numpyDirectory = packageRoot.appendingPathComponent("testdata/numpy")

    /// Every ONNX model fixture, relative to `onnxDirectory`.
    static let models = ["cnn.onnx", "control_flow.onnx", "functions.onnx", "tensor_storage.onnx", external]

    /// `external/model.onnx`, whose three initializers live in `external/weights.data`.
    static let external = "external/model.onnx"
    static let externalData = "external/weights.data"

    static func model(_ name: String) -> URL { onnxDirectory.appendingPathComponent(name) }
    static func numpy(_ name: String) -> URL { numpyDirectory.appendingPathComponent(name) }

    /// The message as swift-protobuf decodes the file, external references untouched.
    static func proto(at url: URL) throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: try Data(contentsOf: url))
    }

    /// A fresh empty folder under the system temporary folder; the caller removes it.
    static func temporaryDirectory(prefix: String = "CLITests") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The names in `directory`, hidden ones (such as `.OUT.xxxxxxxx.tmp`) included, sorted.
    static func contents(of directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
}

extension Model {
    /// Every tensor of the model (initializers, attributes, nested graphs, functions), in traversal order.
    var allTensors: [Tensor] {
        var tensors: [Tensor] = []
        forEachTensor { tensors.append($0) }
        return tensors
    }
}

/// SplitMix64: a seeded generator, so the random inputs are the same on every run and a failure replays.
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
