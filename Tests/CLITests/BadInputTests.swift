import Foundation
import ONNX
import Testing

/// Inputs that are not ONNX models, and outputs that cannot be written: exit 2, exactly one stderr line
/// `error: <file>: <what>` naming the file, nothing on stdout, no output file, no temporary file left in
/// the output folder, and an existing output left as it was.
@Suite struct BadInputTests {
    /// A bad input placed in a fresh folder as `name`, with `out/` beside it for outputs.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var name = "model.onnx"
        var bytes: @Sendable () throws -> Data

        var testDescription: String { label }
    }

    static func prefix(_ count: Int, of name: String) -> Case {
        Case(label: "first \(count) bytes of \(name)") { try Data(contentsOf: Fixtures.model(name)).prefix(count) }
    }

    static func random(seed: UInt64, count: Int) -> Case {
        Case(label: "\(count) random bytes, seed \(seed)") {
            var generator = SeededGenerator(state: seed)
            return generator.bytes(count)
        }
    }

    static func renamed(_ url: URL) -> Case {
        Case(label: "\(url.lastPathComponent) renamed to .onnx") { try Data(contentsOf: url) }
    }

    /// A serialized `TensorProto`, as the `input_0.pb` files of onnx's backend tests hold.
    static func tensorFile(_ label: String, _ make: @escaping @Sendable () -> Onnx_TensorProto) -> Case {
        Case(label: "\(label) TensorProto .pb renamed to .onnx") { try make().serializedBytes() }
    }

    static let cases: [Case] = [
        Case(label: "empty file") { Data() },
        // cnn.onnx: ir_version [0, 2), producer_name [2, 33), …, graph [93, 4195), opsets and metadata after.
        // Cut inside a field (truncated) or after ir_version alone (no graph).
        prefix(1, of: "cnn.onnx"),
        prefix(2, of: "cnn.onnx"),
        prefix(20, of: "cnn.onnx"),
        prefix(100, of: "cnn.onnx"),
        prefix(2118, of: "cnn.onnx"),
        prefix(4194, of: "cnn.onnx"),
        prefix(35, of: "control_flow.onnx"),
        prefix(700, of: "control_flow.onnx"),
        prefix(300, of: "functions.onnx"),
        prefix(1000, of: "tensor_storage.onnx"),
        prefix(200, of: Fixtures.external),
        random(seed: 1, count: 1),
        random(seed: 2, count: 16),
        random(seed: 3, count: 100),
        random(seed: 4, count: 1000),
        random(seed: 5, count: 4096),
        random(seed: 6, count: 65536),
        Case(label: "ASCII text") { Data("this is not an ONNX model\n".utf8) },
        renamed(Fixtures.numpy("dtype_float32.npy")),
        renamed(Fixtures.numpy("dtype_int64.npy")),
        renamed(Fixtures.numpy("savez.npz")),
        renamed(Fixtures.numpy("savez_compressed.npz")),
        tensorFile("float32 raw_data") {
            var tensor = Onnx_TensorProto()
            tensor.name = "input_0"
            tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            tensor.dims = [2, 3]
            tensor.rawData = Data((0..<24).map { UInt8($0) })
            return tensor
        },
        tensorFile("int64_data") {
            var tensor = Onnx_TensorProto()
            tensor.name = "steps"
            tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            tensor.dims = [5]
            tensor.int64Data = [1, 10, 100, 1000, 10000]
            return tensor
        },
        tensorFile("float_data") {
            var tensor = Onnx_TensorProto()
            tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            tensor.dims = [4]
            tensor.floatData = [1, 2, 3, 4]
            return tensor
        },
    ]

    /// A few of `cases`, one of each kind, for the commands that read a model the same way.
    static let runCases: [Case] = [
        Case(label: "empty file") { Data() },
        prefix(2118, of: "cnn.onnx"),
        random(seed: 3, count: 100),
        renamed(Fixtures.numpy("dtype_float32.npy")),
    ]

    @Test("optimize: a bad input is one error line naming it, exit 2, and no output", arguments: cases)
    func optimizeBadInput(_ badInput: Case) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent(badInput.name)
        try badInput.bytes().write(to: input)
        let outFolder = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: false)
        let output = outFolder.appendingPathComponent("model.onnx")

        let result = try CLI.run(["optimize", input.path, "-o", output.path, "--rules", "none"])
        expectOneError(result, naming: input.path)
        #expect(Fixtures.contents(of: outFolder).isEmpty, "\(result)")
    }

    @Test("inspect: a bad input is one error line naming it, exit 2", arguments: cases)
    func inspectBadInput(_ badInput: Case) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent(badInput.name)
        try badInput.bytes().write(to: input)
        let result = try CLI.run(["inspect", input.path])
        expectOneError(result, naming: input.path)
    }

    @Test("a missing input, or a folder given as input", arguments: ["inspect", "optimize"])
    func missingInput(_ command: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.onnx")
        let extra = command == "optimize" ? ["-o", output.path] : []
        for input in [folder.appendingPathComponent("missing.onnx").path, folder.path] {
            let result = try CLI.run([command, input] + extra)
            expectOneError(result, naming: input)
            #expect(Fixtures.contents(of: folder).isEmpty, "\(result)")
        }
    }

    @Test("run: a bad model is one error line naming it, exit 2, and no output", arguments: runCases)
    func runBadModel(_ badInput: Case) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent(badInput.name)
        try badInput.bytes().write(to: input)
        let output = folder.appendingPathComponent("out.npz")
        let result = try CLI.run(["run", input.path, "-o", output.path])
        expectOneError(result, naming: input.path)
        #expect(Fixtures.contents(of: folder) == [badInput.name], "\(result)")
    }

    @Test("conformance: a folder without cases, or a missing folder, is one error line naming it, exit 2")
    func conformanceWithoutCases() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data().write(to: folder.appendingPathComponent("stray.onnx"))
        for directory in [folder.path, folder.appendingPathComponent("missing").path] {
            let result = try CLI.run(["conformance", directory])
            expectOneError(result, naming: directory)
        }
        #expect(Fixtures.contents(of: folder) == ["stray.onnx"])
    }

    @Test("the external model without its weights.data: optimize fails naming the model")
    func missingExternalData() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("model.onnx")
        try FileManager.default.copyItem(at: Fixtures.model(Fixtures.external), to: input)
        let output = folder.appendingPathComponent("out.onnx")
        let result = try CLI.run(["optimize", input.path, "-o", output.path, "--rules", "none"])
        expectOneError(result, naming: input.path)
        #expect(result.stderr.contains("weights.data"), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["model.onnx"], "\(result)")
    }

    @Test("the external model with a short weights.data: optimize fails naming the model")
    func truncatedExternalData() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("model.onnx")
        try FileManager.default.copyItem(at: Fixtures.model(Fixtures.external), to: input)
        let data = try Data(contentsOf: Fixtures.model(Fixtures.externalData))
        try data.prefix(8300).write(to: folder.appendingPathComponent("weights.data"))
        let output = folder.appendingPathComponent("out.onnx")
        for extra in [[], ["--external-data", "--external-data-threshold", "0"]] {
            let result = try CLI.run(["optimize", input.path, "-o", output.path, "--rules", "none"] + extra)
            expectOneError(result, naming: input.path)
            #expect(Fixtures.contents(of: folder) == ["model.onnx", "weights.data"], "\(result)")
        }
    }

    @Test("an output in a missing folder: one error line naming the output, nothing created")
    func missingOutputFolder() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("no-such-folder/out.onnx")
        for extra in [[], ["--external-data", "--external-data-threshold", "0"]] {
            let result = try CLI.run(["optimize", Fixtures.model(Fixtures.external).path, "-o", output.path] + extra)
            expectOneError(result, naming: output.path)
            #expect(Fixtures.contents(of: folder).isEmpty, "\(result)")
        }
    }

    @Test("an output path that is a folder: the folder is left alone, no temporary files")
    func outputIsFolder() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.onnx")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: output.appendingPathComponent("inside"))
        for extra in [[], ["--external-data", "--external-data-threshold", "0"]] {
            let result = try CLI.run(["optimize", Fixtures.model(Fixtures.external).path, "-o", output.path] + extra)
            expectOneError(result, naming: output.path)
            #expect(Fixtures.contents(of: folder) == ["out.onnx"], "\(result)")
            #expect(Fixtures.contents(of: output) == ["inside"])
        }
    }

    @Test("a failed run leaves an existing output, and its data file, untouched")
    func existingOutputUntouched() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.onnx")
        let outputData = folder.appendingPathComponent("out.onnx.data")
        let before = Data("previous model".utf8), beforeData = Data("previous data".utf8)
        try before.write(to: output)
        try beforeData.write(to: outputData)
        let bad = folder.appendingPathComponent("bad.onnx")
        try Data(contentsOf: Fixtures.model("cnn.onnx")).prefix(1000).write(to: bad)

        let runs: [[String]] = [
            ["optimize", bad.path, "-o", output.path, "--rules", "none"],
            ["optimize", bad.path, "-o", output.path, "--external-data", "--external-data-threshold", "0"],
            ["optimize", folder.appendingPathComponent("missing.onnx").path, "-o", output.path],
            ["optimize", Fixtures.model("cnn.onnx").path, "-o", output.path, "--rules", "bogus"],
            ["optimize", Fixtures.model("cnn.onnx").path, "-o", output.path, "--external-data", "--external-data-location", "a/b"],
            ["optimize", Fixtures.model("cnn.onnx").path, "-o", output.path, "--external-data-location", "out.onnx.data"],
            ["keras", bad.path, "-o", output.path],
        ]
        for arguments in runs {
            let result = try CLI.run(arguments)
            #expect(result.exited(2), "\(result)")
            #expect(try Data(contentsOf: output) == before, "\(result)")
            #expect(try Data(contentsOf: outputData) == beforeData, "\(result)")
            #expect(Fixtures.contents(of: folder) == ["bad.onnx", "out.onnx", "out.onnx.data"], "\(result)")
        }
    }

    @Test("a tensor whose data field cannot hold its type: the error names the input, not just the tensor")
    func tensorDataErrorNamesFile() throws {
        // float64 elements in int32_data: loads and round-trips as stored, but has no raw form to write out.
        var tensor = Onnx_TensorProto()
        tensor.name = "w"
        tensor.dataType = Int32(Onnx_TensorProto.DataType.double.rawValue)
        tensor.dims = [2]
        tensor.int32Data = [1, 2]
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try Self.write(Self.identityModel(tensor), to: folder.appendingPathComponent("double_in_int32.onnx"))
        let output = folder.appendingPathComponent("out.onnx")

        let result = try CLI.run(["optimize", input.path, "-o", output.path, "--external-data", "--external-data-threshold", "0"])
        expectOneError(result, naming: input.path)
        #expect(result.stderr.contains("tensor 'w'"), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["double_in_int32.onnx"], "\(result)")
    }

    @Test("a tensor with a huge dim is a bad input, not a crash", arguments: ["inspect", "optimize"])
    func hugeDims(_ command: String) throws {
        // 2^62 float32 elements declared, no data: the byte count overflows Int.
        var tensor = Onnx_TensorProto()
        tensor.name = "w"
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.dims = [1 << 62]
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try Self.write(Self.identityModel(tensor), to: folder.appendingPathComponent("huge.onnx"))
        let output = folder.appendingPathComponent("out.onnx")

        let result = try CLI.run(command == "optimize" ? ["optimize", input.path, "-o", output.path, "--rules", "none"] : ["inspect", input.path])
        #expect(!result.signalled, "\(result)")
        #expect(result.exited(0) || result.exited(2), "\(result)")
        #expect(Fixtures.contents(of: folder).allSatisfy { $0 == "huge.onnx" || $0 == "out.onnx" }, "\(result)")
    }

    /// A one-node model, `y = Identity(w)`, with `w` the given initializer.
    static func identityModel(_ initializer: Onnx_TensorProto) -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        model.irVersion = 10
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = 21
        model.opsetImport = [opset]
        var node = Onnx_NodeProto()
        node.opType = "Identity"
        node.input = [initializer.name]
        node.output = ["y"]
        var output = Onnx_ValueInfoProto()
        output.name = "y"
        model.graph.name = "g"
        model.graph.node = [node]
        model.graph.initializer = [initializer]
        model.graph.output = [output]
        return model
    }

    static func write(_ model: Onnx_ModelProto, to url: URL) throws -> URL {
        let bytes: Data = try model.serializedBytes()
        try bytes.write(to: url)
        return url
    }

    /// Exit 2, nothing on stdout, and stderr exactly one line `error: <file>: <what>`.
    private func expectOneError(_ result: CLIResult, naming file: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.exited(2), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasSuffix("\n"), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("error: \(file): "), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.count > "error: \(file): \n".count, "says what is wrong: \(result)", sourceLocation: sourceLocation)
    }
}
