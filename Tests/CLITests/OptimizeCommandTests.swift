import Foundation
import ONNX
import Testing

/// `onnx-convert optimize IN -o OUT`: `--rules none` is a lossless round trip; external data comes back
/// inline, or goes to the file `--external-data` names; bad option values are usage errors.
@Suite struct OptimizeCommandTests {
    /// The fixtures whose data is all inline: OUT must equal IN as a protobuf message.
    static let inlineModels = Fixtures.models.filter { $0 != Fixtures.external }

    @Test("--rules none writes a model equal to the input as a protobuf message", arguments: inlineModels)
    func losslessRoundTrip(_ name: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Fixtures.model(name)
        let output = folder.appendingPathComponent("out.onnx")

        let result = try CLI.run(["optimize", input.path, "-o", output.path, "--rules", "none"])
        #expect(result.exited(0), "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        // One progress line on stdout naming the output.
        #expect(result.stdout.hasPrefix("wrote \(output.path) ("), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["out.onnx"])

        let written = try Fixtures.proto(at: output)
        #expect(written == (try Fixtures.proto(at: input)))
        // And it loads back to the same IR.
        #expect(try ModelFile.load(output) == (try ModelFile.load(input)))
    }

    @Test("the default rules (none registered yet) also keep the model unchanged")
    func defaultRules() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Fixtures.model("cnn.onnx")
        let output = folder.appendingPathComponent("cnn.onnx")
        let result = try CLI.run(["optimize", input.path, "--output", output.path])
        #expect(result.exited(0), "\(result)")
        #expect(try ModelFile.load(output) == (try ModelFile.load(input)))
    }

    @Test("relative paths are taken from the working folder")
    func relativePaths() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.model("functions.onnx"), to: folder.appendingPathComponent("in.onnx"))
        let result = try CLI.run(["optimize", "in.onnx", "-o", "out.onnx", "--rules", "none"], in: folder)
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.hasPrefix("wrote out.onnx ("), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["in.onnx", "out.onnx"])
        #expect(try Fixtures.proto(at: folder.appendingPathComponent("out.onnx")) == (try Fixtures.proto(at: Fixtures.model("functions.onnx"))))
    }

    @Test("an existing output is replaced; the input itself is never written over")
    func replaceOutput() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.onnx")
        let output = folder.appendingPathComponent("out.onnx")
        try FileManager.default.copyItem(at: Fixtures.model("control_flow.onnx"), to: model)
        try Data("an earlier output".utf8).write(to: output)
        let result = try CLI.run(["optimize", model.path, "-o", output.path, "--rules", "none"])
        #expect(result.exited(0), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["model.onnx", "out.onnx"])
        #expect(try Fixtures.proto(at: output) == (try Fixtures.proto(at: Fixtures.model("control_flow.onnx"))))

        let inPlace = try CLI.run(["optimize", model.path, "-o", model.path, "--rules", "none"])
        #expect(inPlace.exited(2), "\(inPlace)")
        #expect(inPlace.stderrLines == ["error: \(model.path): the output is the input '\(model.path)'; it would be replaced — choose another output"])
        #expect(try Data(contentsOf: model) == (try Data(contentsOf: Fixtures.model("control_flow.onnx"))))
    }

    // MARK: External data

    @Test("the external model comes out self-contained: every tensor inline, same bytes")
    func externalBecomesInline() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Fixtures.model(Fixtures.external)
        let output = folder.appendingPathComponent("inline.onnx")

        let result = try CLI.run(["optimize", input.path, "-o", output.path, "--rules", "none"])
        #expect(result.exited(0), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["inline.onnx"])

        // No tensor refers to a file any more.
        let written = try Fixtures.proto(at: output)
        for tensor in written.graph.initializer {
            #expect(tensor.dataLocation != .external, "\(tensor.name)")
            #expect(tensor.externalData.isEmpty, "\(tensor.name)")
        }
        // Loads without the input's folder, to the model the input describes with its data read in.
        let references = try ModelFile.load(output, options: .init(loadExternalData: false))
        #expect(references.allTensors.allSatisfy { !$0.isExternal })
        let original = try ModelFile.load(input)
        #expect(references == original)
        // Everything but the tensors' storage is as in the input.
        var expected = try Fixtures.proto(at: input)
        var actual = written
        for index in expected.graph.initializer.indices {
            expected.graph.initializer[index].clearDataLocation()
            expected.graph.initializer[index].externalData = []
            actual.graph.initializer[index].clearRawData()
        }
        #expect(actual == expected)
    }

    @Test("--external-data --external-data-threshold 0 writes OUT and OUT.data with the input's tensor bytes", arguments: Fixtures.models)
    func externalDataDefaultLocation(_ name: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Fixtures.model(name)
        let output = folder.appendingPathComponent("out.onnx")

        let result = try CLI.run([
            "optimize", input.path, "-o", output.path, "--rules", "none", "--external-data", "--external-data-threshold", "0",
        ])
        #expect(result.exited(0), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["out.onnx", "out.onnx.data"], "\(result)")
        #expect(result.stdout.contains(" bytes in out.onnx.data)"), "\(result)")
        try expectExternal(output, location: "out.onnx.data", sameTensorsAs: input)
    }

    @Test("--external-data-location names the data file")
    func externalDataLocation() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Fixtures.model(Fixtures.external)
        let output = folder.appendingPathComponent("out.onnx")

        let result = try CLI.run([
            "optimize", input.path, "-o", output.path, "--rules", "none",
            "--external-data", "--external-data-location", "weights.bin", "--external-data-threshold", "0",
        ])
        #expect(result.exited(0), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["out.onnx", "weights.bin"])
        #expect(result.stdout.contains("3 tensors"), "\(result)")
        try expectExternal(output, location: "weights.bin", sameTensorsAs: input)
    }

    @Test("the default threshold (1024 bytes) keeps small tensors inline")
    func externalDataThreshold() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Fixtures.model(Fixtures.external)
        let output = folder.appendingPathComponent("out.onnx")

        let result = try CLI.run(["optimize", input.path, "-o", output.path, "--rules", "none", "--external-data"])
        #expect(result.exited(0), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["out.onnx", "out.onnx.data"])
        let references = try ModelFile.load(output, options: .init(loadExternalData: false))
        // Only weight (8192 bytes) reaches the threshold; bias (128) and steps (40) stay inline.
        let external = references.graph?.initializers.filter(\.isExternal).map(\.name)
        #expect(external == ["weight"])
        #expect(try ModelFile.load(output) == (try ModelFile.load(input)))
    }

    // MARK: Option errors

    @Test("--rules bogus exits 2, lists the available rules, and writes nothing")
    func unknownRule() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.onnx")
        let result = try CLI.run(["optimize", Fixtures.model("cnn.onnx").path, "-o", output.path, "--rules", "bogus"])
        #expect(result.exited(2), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        // A bad option value, like any other: argument-parser's message and the usage text (checked before
        // the input is read, so a missing input does not hide it).
        #expect(result.stderr.hasPrefix("Error: unknown rule(s) bogus"), "\(result)")
        #expect(result.stderr.contains("available: none, default"), "\(result)")
        #expect(result.stderr.contains("Usage: onnx-convert optimize"), "\(result)")
        #expect(Fixtures.contents(of: folder).isEmpty)
    }

    @Test("--external-data-location equal to the output's name is refused, not written over by the model")
    func locationIsOutput() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.onnx")
        let result = try CLI.run([
            "optimize", Fixtures.model("cnn.onnx").path, "-o", output.path,
            "--external-data", "--external-data-location", "out.onnx", "--external-data-threshold", "0",
        ])
        #expect(result.exited(2), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("--external-data-location"), "\(result)")
        #expect(Fixtures.contents(of: folder).isEmpty, "\(result)")
    }

    @Test("optimizing the external model in place is refused, and its weights.data left as it was")
    func externalInPlace() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.onnx")
        try FileManager.default.copyItem(at: Fixtures.model(Fixtures.external), to: model)
        try FileManager.default.copyItem(at: Fixtures.model(Fixtures.externalData), to: folder.appendingPathComponent("weights.data"))
        let result = try CLI.run([
            "optimize", model.path, "-o", model.path, "--rules", "none",
            "--external-data", "--external-data-location", "weights.data", "--external-data-threshold", "0",
        ])
        #expect(result.exited(2), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["model.onnx", "weights.data"])
        #expect(try Data(contentsOf: model) == (try Data(contentsOf: Fixtures.model(Fixtures.external))))
        #expect(try Data(contentsOf: folder.appendingPathComponent("weights.data")) == (try Data(contentsOf: Fixtures.model(Fixtures.externalData))))
    }

    @Test("--external-data-location without --external-data is a usage error")
    func locationWithoutExternalData() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.onnx")
        let result = try CLI.run([
            "optimize", Fixtures.model("cnn.onnx").path, "-o", output.path, "--external-data-location", "x",
        ])
        #expect(result.exited(2), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("--external-data-location needs --external-data"), "\(result)")
        #expect(result.stderr.contains("Usage: onnx-convert optimize"), "\(result)")
        #expect(Fixtures.contents(of: folder).isEmpty)
    }

    @Test("an --external-data-location that is not a plain file name is refused", arguments: ["sub/w.data", "../w.data", "/tmp/w.data", ".", ".."])
    func badLocation(_ location: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.onnx")
        let result = try CLI.run([
            "optimize", Fixtures.model(Fixtures.external).path, "-o", output.path,
            "--external-data", "--external-data-location", location, "--external-data-threshold", "0",
        ])
        #expect(result.exited(2), "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.hasPrefix("error: \(output.path): "), "\(result)")
        #expect(Fixtures.contents(of: folder).isEmpty)
    }

    /// `output` keeps every tensor of at least one byte in `location` beside it, and loads (data read in)
    /// to the same model as `input`: same names, types, shapes and bytes.
    private func expectExternal(_ output: URL, location: String, sameTensorsAs input: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let references = try ModelFile.load(output, options: .init(loadExternalData: false))
        for tensor in references.graph?.initializers ?? [] where Self.hasRawForm(tensor) && tensor.byteCount > 0 {
            guard case .external(let ref) = tensor.storage else {
                Issue.record("\(tensor.name) was not written to \(location)", sourceLocation: sourceLocation)
                continue
            }
            #expect(ref.location == location, sourceLocation: sourceLocation)
            #expect((ref.offset ?? 0) % 4096 == 0, "\(tensor.name) at \(ref.offset ?? 0)", sourceLocation: sourceLocation)
        }
        let loaded = try ModelFile.load(output)
        let original = try ModelFile.load(input)
        let loadedTensors = loaded.allTensors, originalTensors = original.allTensors
        #expect(loadedTensors.map(\.name) == originalTensors.map(\.name), sourceLocation: sourceLocation)
        for (got, want) in zip(loadedTensors, originalTensors) {
            #expect(got.dataType == want.dataType && got.dims == want.dims, "\(got.name)", sourceLocation: sourceLocation)
            if Self.hasRawForm(want) {
                #expect(try got.rawBytes() == (try want.rawBytes()), "\(got.name)", sourceLocation: sourceLocation)
            } else {
                #expect(got.storage == want.storage, "\(got.name)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Tensors that go to external data at all: typed, with data, not strings.
    private static func hasRawForm(_ tensor: Tensor) -> Bool {
        guard let type = tensor.dataType, type != .string else { return false }
        if case .none = tensor.storage { return false }
        return true
    }
}
