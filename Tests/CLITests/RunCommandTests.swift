import Foundation
import ONNX
import Testing

/// `run` on the bundled model: tensor-file inputs that are truncated or random bytes give one error line
/// naming the file and exit 2, with no output written; good inputs run.
@Suite struct RunCommandTests {
    /// The model has one input: `input`, float32[N, 1, 8, 8].
    static let model = Fixtures.model("cnn.onnx")

    static func damaged(_ kind: String, in folder: URL) throws -> URL {
        var generator = SeededGenerator(state: 7)
        switch kind {
        case "truncated.npy":
            let bytes = try Data(contentsOf: Fixtures.numpy("dtype_float32.npy"))
            let url = folder.appendingPathComponent("input.npy")
            try bytes.prefix(50).write(to: url)
            return url
        case "truncated.npz":
            let bytes = try Data(contentsOf: Fixtures.numpy("savez.npz"))
            let url = folder.appendingPathComponent("inputs.npz")
            try bytes.prefix(100).write(to: url)
            return url
        case "random.npy":
            let url = folder.appendingPathComponent("input.npy")
            try generator.bytes(300).write(to: url)
            return url
        case "random.pb":
            let url = folder.appendingPathComponent("input_0.pb")
            try generator.bytes(64).write(to: url)
            return url
        default:
            let url = folder.appendingPathComponent("input_0.pb")
            try Data([0x08, 0x02, 0x10]).write(to: url)  // dims 2, then a data_type tag with no value
            return url
        }
    }

    @Test("damaged tensor inputs are one error line and exit 2",
          arguments: ["truncated.npy", "truncated.npz", "random.npy", "random.pb", "truncated.pb"])
    func damagedInputs(_ kind: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = try Self.damaged(kind, in: folder)
        let output = folder.appendingPathComponent("out.npz")
        let result = try CLI.run(["run", Self.model.path, "--inputs", input.path, "-o", output.path])
        #expect(result.exited(2), "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderrLines.first?.hasPrefix("error: \(input.path): ") == true, "\(result)")
        #expect(!Fixtures.exists(output), "\(result)")
    }

    @Test func seededRandomInputsRunAndAreAnnounced() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.npz")
        let result = try CLI.run(["run", Self.model.path, "-o", output.path, "--repeat", "3"])
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.contains("seeded random inputs"), "\(result)")
        #expect(result.stdout.contains("median latency"), "\(result)")
        #expect(result.stdout.contains("logits: float32[1, 10]"), "\(result)")
        #expect(Fixtures.exists(output))
    }

    /// NumPy has no bfloat16: intermediates of that type are dumped widened to float32, and said so.
    @Test func bfloat16IntermediatesAreDumpedAsFloat32() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let type = ValueType.tensor(.bfloat16, TensorShape([.known(4)]))
        let graph = Graph(name: "g", nodes: [Node(opType: "Relu", inputs: ["x"], outputs: ["r"]),
                                             Node(opType: "Neg", inputs: ["r"], outputs: ["y"])],
                          inputs: [Value(name: "x", type: type)], outputs: [Value(name: "y", type: type)])
        let model = folder.appendingPathComponent("bf16.onnx")
        try ModelFile.save(Model(irVersion: 9, opsetImports: [OperatorSetID(domain: "", version: 18)], graph: graph),
                                 to: model)
        let dump = folder.appendingPathComponent("dump")
        let result = try CLI.run(["run", model.path, "--dump-intermediates", dump.path])
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.contains("bfloat16 intermediates written as float32"), "\(result)")
        let header = try Data(contentsOf: dump.appendingPathComponent("r.npy")).prefix(80)
        #expect(String(decoding: header, as: UTF8.self).contains("'descr': '<f4'"), "\(result)")
    }

    /// The bundled model is Conv → Relu → … → Gemm: the profile lists those op types with their calls per run.
    @Test func profileListsTheModelsOpTypes() throws {
        let result = try CLI.run(["run", Self.model.path, "--repeat", "4", "--profile"])
        #expect(result.exited(0), "\(result)")
        let lines = result.stdout.split(separator: "\n")
        // The bundled CNN's Relus run inside the Convs before them.
        let rows = lines.filter { $0.hasPrefix("Conv+Relu ") || $0.hasPrefix("Gemm ") }
        #expect(rows.count == 2, "\(result)")
        for row in rows {
            let fields = row.split(separator: " ")
            #expect(fields.count == 4, "\(row)")
            #expect(Int(fields[1]) ?? 0 >= 1, "\(row)")
        }
        let nodes = lines.drop { !$0.hasPrefix("slowest nodes") }.dropFirst()
        #expect(nodes.contains { $0.hasPrefix("conv1 (Conv) + relu1 (Relu) ") && $0.contains(" Conv+Relu ") }, "\(result)")
        #expect(nodes.contains { $0.hasPrefix("fc (Gemm) ") }, "\(result)")
        let separate = try CLI.run(["run", Self.model.path, "--repeat", "2", "--profile", "--no-fusion"])
        #expect(separate.exited(0) && separate.stdout.split(separator: "\n").contains { $0.hasPrefix("Relu ") }, "\(separate)")
    }

    /// SIGTERM or SIGINT ends a run at once: one line, the shell's 128 + signal status, nothing written.
    @Test(arguments: [SIGTERM, SIGINT]) func interruptedRunWritesNothing(_ signal: Int32) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.npz")
        let result = try CLI.run(["run", Self.model.path, "-o", output.path, "--repeat", "100000000"],
                                 interruptAfter: 2, signal: signal)
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(result.exited(128 + signal), "\(result)")
        #expect(result.stderrLines == ["error: interrupted (\(name)); no output written"], "\(result)")
        #expect(Fixtures.contents(of: folder).isEmpty, "\(result)")
    }
}
