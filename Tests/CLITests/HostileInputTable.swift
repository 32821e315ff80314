import Foundation
import NumPy
import ONNX
import Testing
import ZIPFoundation

/// The bad-input corpus, end to end through the executable: every kind of hostile input seen, each made
/// in the test from a bundled fixture or a few lines of IR, with the exit code and the words its one
/// error line must carry. A new frontend adds its cases here.
///
/// Each case: exit code as expected, exactly one line on stderr, `error: ` naming a file, no signal, no
/// file left in the output folder (and an output that was already there untouched).
@Suite struct HostileInputTable {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// Writes the inputs into `folder` and returns the arguments (the output goes to `output`).
        var make: @Sendable (_ folder: URL, _ output: URL) throws -> [String]
        var exitCode: Int32 = 2
        /// Words the error line must hold.
        var says: [String]
        var testDescription: String { label }
    }

    // MARK: Models for `run`, a few lines of IR each

    static let x = Value(name: "x", type: .tensor(.float, TensorShape([Int64(2)])))

    static func model(_ nodes: [Node], inputs: [Value] = [], outputs: [Value], initializers: [Tensor] = [], opset: Int64 = 17) -> Model {
        Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: opset)],
              graph: Graph(name: "hostile", nodes: nodes, inputs: inputs, outputs: outputs, initializers: initializers))
    }

    static func int64s(_ name: String, _ values: [Int64]) -> Tensor {
        Tensor(name: name, dataType: .int64, dims: [Int64(values.count)],
               raw: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    static func output(_ name: String) -> Value { Value(name: name, type: .tensor(.float, nil)) }

    /// `run MODEL` on a model saved into the folder.
    static func run(_ model: @escaping @Sendable () -> Model, extra: [String] = []) -> @Sendable (URL, URL) throws -> [String] {
        { folder, output in
            let file = folder.appendingPathComponent("model.onnx")
            try ModelFile.save(model(), to: file)
            return ["run", file.path, "-o", output.appendingPathExtension("npz").path] + extra
        }
    }

    static func declared(_ dims: [Int64]) -> @Sendable (URL, URL) throws -> [String] {
        run({
            let input = Value(name: "x", type: .tensor(.float, TensorShape(dims)))
            return model([Node(opType: "Relu", name: "relu", inputs: ["x"], outputs: ["y"])], inputs: [input], outputs: [output("y")])
        })
    }

    /// A `.npz` whose member's .npy header declares `shape` of float32 but which holds only `present` bytes.
    static func lyingNpz(shape: [Int], present: Int) throws -> Data {
        let dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
        var text = Array(dictionary.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0a)
        var npy = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xff), UInt8(text.count >> 8)] + text)
        npy.append(Data(count: present))
        let archive = try Archive(accessMode: .create)
        try archive.addEntry(with: "x.npy", type: .file, uncompressedSize: Int64(npy.count), compressionMethod: .deflate) { position, size in
            npy.subdata(in: Int(position)..<(Int(position) + size))
        }
        return try #require(archive.data)
    }

    static let kerasFolder = Fixtures.packageRoot.appendingPathComponent("testdata/keras/k3")

    /// `keras` on testdata/keras/k3/cnn.json with `original` replaced by `hostile` (once), and its weights.
    static func keras(replacing original: String, with hostile: String) -> @Sendable (URL, URL) throws -> [String] {
        { folder, output in
            let text = try String(contentsOf: kerasFolder.appendingPathComponent("cnn.json"), encoding: .utf8)
            guard let range = text.range(of: original) else { throw CocoaError(.fileReadCorruptFile) }
            let config = folder.appendingPathComponent("cnn.json")
            try text.replacingCharacters(in: range, with: hostile).write(to: config, atomically: false, encoding: .utf8)
            return ["keras", config.path, kerasFolder.appendingPathComponent("cnn.weights.h5").path, "-o", output.path]
        }
    }

    static let cases: [Case] = [
        // keras: options no runtime can execute, and sizes past the budget.
        Case(label: "keras: Conv2D strides 0", make: keras(replacing: #""strides": [1, 1]"#, with: #""strides": [0, 0]"#),
             says: ["cnn.json", "layer Conv2D 'conv2d'", "strides"]),
        Case(label: "keras: Conv2D dilation 0", make: keras(replacing: #""dilation_rate": [1, 1]"#, with: #""dilation_rate": [0, 1]"#),
             says: ["layer Conv2D 'conv2d'", "dilation_rate"]),
        Case(label: "keras: input dims 2^40", make: keras(replacing: #""batch_shape": [null, 16, 16, 3]"#,
                                                         with: #""batch_shape": [null, 1099511627776, 16, 3]"#),
             says: ["layer InputLayer 'image'", "over the memory budget"]),
        Case(label: "keras: negative input dim", make: keras(replacing: #""batch_shape": [null, 16, 16, 3]"#,
                                                             with: #""batch_shape": [null, -5, 16, 3]"#),
             says: ["layer InputLayer 'image'", "-5"]),
        Case(label: "keras: NaN epsilon", make: keras(replacing: #""epsilon": 0.001"#, with: #""epsilon": NaN"#),
             says: ["layer BatchNormalization 'batch_normalization'", "epsilon", "NaN"]),
        Case(label: "keras: a layer class holding a newline and terminal escapes",
             make: keras(replacing: #""class_name": "Conv2D""#, with: #""class_name": "Conv2D\n\u001b[2J\u202eok""#),
             exitCode: 3, says: [#"Conv2D\n\u{1b}[2J\u{202e}ok"#]),
        Case(label: "keras: filters 4.6e18", make: keras(replacing: #""filters": 8"#, with: #""filters": 4.6e18"#),
             says: ["layer Conv2D 'conv2d'", "4600000000000000000"]),
        // run: shapes computed from data, over the budget or past an Int.
        Case(label: "run: ConstantOfShape of 2^40", make: run({
            model([Node(opType: "ConstantOfShape", name: "fill", inputs: ["shape"], outputs: ["y"])],
                  outputs: [output("y")], initializers: [int64s("shape", [1 << 40])])
        }), says: ["fill (ConstantOfShape)", "over the memory budget"]),
        Case(label: "run: Expand to [2^20, 2^20, 2]", make: run({
            model([Node(opType: "Expand", name: "grow", inputs: ["x", "shape"], outputs: ["y"])], inputs: [x],
                  outputs: [output("y")], initializers: [int64s("shape", [1 << 20, 1 << 20, 2])])
        }, extra: []), says: ["grow (Expand)", "over the memory budget"]),
        Case(label: "run: Tile by 2^40", make: run({
            model([Node(opType: "Tile", name: "tile", inputs: ["x", "repeats"], outputs: ["y"])], inputs: [x],
                  outputs: [output("y")], initializers: [int64s("repeats", [1 << 40])])
        }), says: ["tile (Tile)", "over the memory budget"]),
        Case(label: "run: Reshape to [2^62, 4, 0]", make: run({
            model([Node(opType: "Reshape", name: "rs", inputs: ["x", "shape"], outputs: ["y"])], inputs: [x],
                  outputs: [output("y")], initializers: [int64s("shape", [1 << 62, 4, 0])])
        }), says: ["rs (Reshape)"]),
        Case(label: "run: declared input dims of 2^40", make: declared([1 << 40]), says: ["input 'x'", "over the memory budget"]),
        Case(label: "run: declared input dim -5", make: declared([-5]), says: ["input 'x'", "negative"]),
        Case(label: "run: declared input dims 2^62 x 4", make: declared([1 << 62, 4]), says: ["input 'x'", "more elements than an Int can count"]),
        Case(label: "run: --max-memory below what a model needs", make: run({
            model([Node(opType: "ConstantOfShape", name: "fill", inputs: ["shape"], outputs: ["y"])],
                  outputs: [output("y")], initializers: [int64s("shape", [1 << 20])])
        }, extra: ["--max-memory", "1M"]), says: ["fill (ConstantOfShape)", "over the memory budget of 1.0 MiB"]),
        // Tensor files.
        Case(label: "run --inputs: a 3 KB .npz whose member declares 3 GiB", make: { folder, output in
            let model = folder.appendingPathComponent("model.onnx")
            try ModelFile.save(Self.model([Node(opType: "Relu", name: "relu", inputs: ["x"], outputs: ["y"])], inputs: [x],
                                          outputs: [Self.output("y")]), to: model)
            let inputs = folder.appendingPathComponent("inputs.npz")
            try lyingNpz(shape: [805_306_368], present: 3072).write(to: inputs)
            return ["run", model.path, "--inputs", inputs.path, "-o", output.appendingPathExtension("npz").path]
        }, says: ["inputs.npz", "x.npy"]),
        Case(label: "run --inputs: an empty .npz", make: { folder, output in
            let inputs = folder.appendingPathComponent("inputs.npz")
            try Data().write(to: inputs)
            return ["run", Fixtures.model("cnn.onnx").path, "--inputs", inputs.path]
        }, says: ["inputs.npz", "empty file"]),
        // Paths.
        Case(label: "external data through a symlink out of the folder", make: { folder, output in
            let model = folder.appendingPathComponent("model.onnx")
            try FileManager.default.copyItem(at: Fixtures.model(Fixtures.external), to: model)
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("weights.data").path,
                                                       withDestinationPath: Fixtures.model(Fixtures.externalData).path)
            return ["optimize", model.path, "-o", output.path]
        }, says: ["model.onnx", "leaves the model's folder (through a symbolic link)"]),
        Case(label: "external data that is a FIFO", make: { folder, output in
            let model = folder.appendingPathComponent("model.onnx")
            try FileManager.default.copyItem(at: Fixtures.model(Fixtures.external), to: model)
            guard mkfifo(folder.appendingPathComponent("weights.data").path, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
            return ["run", model.path]
        }, says: ["model.onnx", "is not a regular file"]),
        Case(label: "a model that is a FIFO", make: { folder, output in
            let model = folder.appendingPathComponent("model.onnx")
            guard mkfifo(model.path, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
            return ["inspect", model.path]
        }, says: ["model.onnx", "not a regular file"]),
    ]

    @Test("one error line, the expected exit code, nothing written", arguments: cases)
    func hostile(_ testCase: Case) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outFolder = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: false)
        let arguments = try testCase.make(folder, outFolder.appendingPathComponent("result"))

        let result = try CLI.run(arguments)
        #expect(result.exited(testCase.exitCode), "\(result)")
        #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("error: "), "\(result)")
        // Names come from the files: none of their control characters reaches the terminal unescaped.
        #expect(!result.stderr.dropLast().unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(result)")
        for words in testCase.says { #expect(result.stderr.contains(words), "\(words): \(result)") }
        #expect(Fixtures.contents(of: outFolder).isEmpty, "\(result)")
    }
}
