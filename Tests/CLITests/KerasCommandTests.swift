import Foundation
import Testing

/// `keras` on the fixtures of testdata/keras: a conversion checked against Keras's recorded outputs, and
/// damaged files, unknown layers and mismatched weights, each one error line with nothing written.
@Suite struct KerasCommandTests {
    static let keras = Fixtures.packageRoot.appendingPathComponent("testdata/keras")

    @Test func convertsAndChecksParity() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("cnn.onnx")
        let result = try CLI.run(["keras", Self.keras.appendingPathComponent("k2/cnn.h5").path, "-o", output.path,
                                  "--reference", Self.keras.appendingPathComponent("k2/cnn.io.npz").path])
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.contains("layers ") && result.stdout.contains("transposes "), "\(result)")
        #expect(result.stdout.contains("parity dense float32[2, 5] (10 values): max |error| / max |keras| = "), "\(result)")
        #expect(Fixtures.exists(output))
    }

    /// The image input taken channels-first: the Transpose at the input cancels against the first Conv's,
    /// and --reference flips the recorded channels-last input to match.
    @Test func inputsAsNCHW() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("cnn.onnx")
        let model = Self.keras.appendingPathComponent("k3/cnn.keras").path
        let result = try CLI.run(["keras", model, "-o", output.path, "--inputs-as-nchw", "image",
                                  "--reference", Self.keras.appendingPathComponent("k3/cnn.io.npz").path])
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.contains("transposes 0"), "\(result)")
        let inspected = try CLI.run(["inspect", output.path])
        #expect(inspected.stdout.contains("image: float32[batch, 3, 16, 16]"), "\(inspected)")

        let unknown = folder.appendingPathComponent("unknown.onnx")
        let wrong = try CLI.run(["keras", model, "-o", unknown.path, "--inputs-as-nchw", "pixels"])
        #expect(wrong.exited(2), "\(wrong)")
        #expect(wrong.stderrLines.count == 1 && wrong.stderr.contains("no input 'pixels' (its inputs: image)"), "\(wrong)")
        #expect(!Fixtures.exists(unknown))
    }

    /// docs/keras-layers.md is what `supported keras` prints from the registry: regenerate it with
    /// `make docs` when a mapping family changes.
    @Test func supportedLayersPageIsCurrent() throws {
        let result = try CLI.run(["supported", "keras"])
        #expect(result.exited(0), "\(result)")
        let page = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("docs/keras-layers.md"), encoding: .utf8)
        #expect(result.stdout == page, "docs/keras-layers.md is stale: run make docs")
        #expect(result.stdout.contains("| Convolution | Conv1D, Conv2D, Conv3D, DepthwiseConv1D, DepthwiseConv2D"))
    }

    @Test("damaged model files: one error line naming the file, exit 2, no output",
          arguments: ["empty.h5", "truncated.h5", "random.h5", "truncated.keras", "notjson.json"])
    func damagedFiles(_ kind: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent(kind)
        let source = Self.keras.appendingPathComponent(kind.hasSuffix(".keras") ? "k3/cnn.keras" : "k2/cnn.h5")
        let bytes = try Data(contentsOf: source)
        switch kind {
        case "empty.h5": try Data().write(to: input)
        case "random.h5": try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }).write(to: input)
        case "notjson.json": try Data("{not json".utf8).write(to: input)
        default: try bytes.prefix(bytes.count / 2).write(to: input)
        }
        let output = folder.appendingPathComponent("out.onnx")
        var arguments = ["keras", input.path]
        if kind.hasSuffix(".json") { arguments.append(Self.keras.appendingPathComponent("k2/cnn_weights.h5").path) }
        let result = try CLI.run(arguments + ["-o", output.path])
        #expect(result.exited(2), "\(result)")
        #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("error: \(input.path): "), "\(result)")
        #expect(!Fixtures.exists(output), "\(result)")
    }

    @Test func unknownLayersAreAllListedWithExit3() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let architecture = folder.appendingPathComponent("model.json")
        try Data("""
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [null, 2]}},
              {"class_name": "Lambda", "config": {"name": "fn"}},
              {"class_name": "MyCustomLayer", "config": {"name": "custom"}}]}}
            """.utf8).write(to: architecture)
        let output = folder.appendingPathComponent("out.onnx")
        let result = try CLI.run(["keras", architecture.path, Self.keras.appendingPathComponent("k2/cnn_weights.h5").path,
                                  "-o", output.path])
        #expect(result.exited(3), "\(result)")
        #expect(result.stderrLines == ["error: \(architecture.path): 2 unsupported layers: Lambda 'fn' (its Python code is saved as bytecode, which cannot be converted), MyCustomLayer 'custom'"],
                "\(result)")
        #expect(!Fixtures.exists(output))
    }

    @Test func weightsThatDoNotFitTheArchitecture() throws {
        // mlp's architecture with cnn's weights: no layer names match, so the first Dense finds none.
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.onnx")
        let architecture = folder.appendingPathComponent("mlp.json")
        let result1 = try CLI.run(["keras", Self.keras.appendingPathComponent("k2/cnn.json").path,
                                   Self.keras.appendingPathComponent("k2/mlp.h5").path, "-o", output.path])
        #expect(result1.exited(2), "\(result1)")
        #expect(result1.stderrLines.count == 1 && result1.stderr.contains("weights of layer Conv2D 'conv2d'"), "\(result1)")
        #expect(!Fixtures.exists(output) && !Fixtures.exists(architecture))
    }
}
