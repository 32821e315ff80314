import Foundation
import ONNX
import Testing

/// `onnx-convert inspect` on every fixture: exit 0 and the summary on stdout. Producer, IR version, opsets
/// and the op histogram are compared with what the test reads from the file itself; inputs, outputs and
/// parameter counts with the values testdata/onnx/README.md describes.
@Suite struct InspectCommandTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String
        var inputs: [String]
        var outputs: [String]
        var parameters: Int
        var externalTensors = 0
        var functions = 0

        var testDescription: String { file }
    }

    static let expectations: [Expected] = [
        // Symbolic batch dim N on the input and the output.
        Expected(file: "cnn.onnx", inputs: ["input: float32[N, 1, 8, 8]"], outputs: ["logits: float32[N, 10]"], parameters: 838),
        Expected(
            file: "control_flow.onnx",
            inputs: ["cond: bool[]", "x: float32[2, 3]", "trips: int64[]", "s0: float32[2]", "rows: float32[3, 2]"],
            outputs: ["loop_v: float32[2, 3]", "loop_scan: float32[trips, 2, 3]", "s_final: float32[2]", "ys: float32[3, 2]"],
            parameters: 16),
        Expected(
            file: "functions.onnx", inputs: ["x: float32[3]", "y: float32[3]"], outputs: ["out: float32[3]"],
            parameters: 0, functions: 2),
        Expected(file: "tensor_storage.onnx", inputs: ["unused_in: uint8[1]"], outputs: ["d: float32[2]"], parameters: 54),
        // weight 64×32, bias 32, steps 5, all three in weights.data.
        Expected(
            file: Fixtures.external, inputs: ["x: float32[N, 64]"], outputs: ["y: float32[N, 32]"],
            parameters: 64 * 32 + 32 + 5, externalTensors: 3),
    ]

    @Test("inspect prints the summary and check: ok", arguments: expectations)
    func summary(_ expected: Expected) throws {
        let url = Fixtures.model(expected.file)
        let result = try CLI.run(["inspect", url.path])
        #expect(result.exited(0), "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let proto = try Fixtures.proto(at: url)

        #expect(lines.first == "model:      \(url.path)")
        let producer = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        #expect(lines.contains("producer:   \(producer)"), "\(result)")
        #expect(lines.contains("ir version: \(proto.irVersion)"), "\(result)")
        let opsets = proto.opsetImport.map { "\($0.domain.isEmpty ? "ai.onnx" : $0.domain) \($0.version)" }
        #expect(lines.contains("opsets:     " + opsets.joined(separator: ", ")), "\(result)")

        #expect(section(lines, from: "inputs:", to: "outputs:") == expected.inputs.map { "  " + $0 }, "\(result)")
        let outputs = section(lines, from: "outputs:") { $0.hasPrefix("nodes:") }
        #expect(outputs == expected.outputs.map { "  " + $0 }, "\(result)")

        let histogram = Self.histogram(of: proto)
        let nodeCount = histogram.values.reduce(0, +)
        #expect(lines.contains("nodes:      \(nodeCount) (\(histogram.count) op types)"), "\(result)")
        let printed = section(lines, from: "nodes:") { $0.hasPrefix("parameters:") }
        var parsed: [String: Int] = [:]
        for line in printed {
            let fields = line.split(separator: " ")
            #expect(fields.count == 2, "histogram line '\(line)'")
            if fields.count == 2, let count = Int(fields[1]) { parsed[String(fields[0])] = count }
        }
        #expect(parsed == histogram, "\(result)")
        // Most frequent first.
        let counts = printed.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        #expect(counts == counts.sorted(by: >), "\(result)")

        let parameters = try #require(lines.first { $0.hasPrefix("parameters: ") }, "\(result)")
        #expect(parameters.hasPrefix("parameters: \(expected.parameters) ("), "\(result)")
        if expected.externalTensors > 0 {
            #expect(parameters.hasSuffix(", \(expected.externalTensors) tensors in external data"), "\(result)")
        } else {
            #expect(!parameters.contains("external"), "\(result)")
        }
        if expected.functions > 0 {
            #expect(lines.contains("functions:  \(expected.functions)"), "\(result)")
        } else {
            #expect(!lines.contains { $0.hasPrefix("functions:") }, "\(result)")
        }
        #expect(lines.contains("check:      ok"), "\(result)")
        #expect(lines.last == "", "stdout ends with a newline")
    }

    @Test("cnn.onnx: the histogram as the fixture script built it")
    func cnnHistogram() throws {
        let result = try CLI.run(["inspect", Fixtures.model("cnn.onnx").path])
        #expect(result.exited(0), "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let printed = section(lines, from: "nodes:") { $0.hasPrefix("parameters:") }
            .map { $0.split(separator: " ").joined(separator: " ") }
        // Conv → Relu → MaxPool → Conv → Relu → Flatten → Gemm: counts descending, then names ascending.
        #expect(printed == ["Conv 2", "Relu 2", "Flatten 1", "Gemm 1", "MaxPool 1"], "\(result)")
        #expect(lines.contains("nodes:      7 (5 op types)"), "\(result)")
        #expect(lines.contains("opsets:     ai.onnx 21"), "\(result)")
        #expect(lines.contains("ir version: 10"), "\(result)")
    }

    @Test("a relative path is read from the working folder and printed as given")
    func relativePath() throws {
        let result = try CLI.run(["inspect", Fixtures.external], in: Fixtures.onnxDirectory)
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.hasPrefix("model:      \(Fixtures.external)\n"), "\(result)")
        #expect(result.stdout.contains("check:      ok"), "\(result)")
    }

    @Test("inspect does not read external data: the model alone, without weights.data, is inspected")
    func externalDataNotRead() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.onnx")
        try FileManager.default.copyItem(at: Fixtures.model(Fixtures.external), to: model)
        let result = try CLI.run(["inspect", model.path])
        #expect(result.exited(0), "\(result)")
        #expect(result.stdout.contains("parameters: 2085 ("), "\(result)")
        #expect(result.stdout.contains("3 tensors in external data"), "\(result)")
        #expect(result.stdout.contains("check:      ok"), "\(result)")
        #expect(Fixtures.contents(of: folder) == ["model.onnx"])
    }

    @Test("a model the checker finds problems in still exits 0 and lists every problem")
    func checkProblems() throws {
        // The main graph of cnn.onnx without its opset imports: every node's op is in an unimported domain.
        var proto = try Fixtures.proto(at: Fixtures.model("cnn.onnx"))
        proto.opsetImport = []
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("no_opsets.onnx")
        let bytes: Data = try proto.serializedBytes()
        try bytes.write(to: url)

        let result = try CLI.run(["inspect", url.path])
        #expect(result.exited(0), "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let check = try #require(lines.first { $0.hasPrefix("check:      ") }, "\(result)")
        let count = try #require(Int(check.dropFirst("check:      ".count).split(separator: " ").first ?? ""), "\(result)")
        #expect(check == "check:      \(count) problem(s)")
        #expect(count > 0)
        let problems = lines.drop { $0 != check }.dropFirst()
        #expect(problems.count == count, "\(result)")
        #expect(problems.allSatisfy { $0.hasPrefix("  ") }, "\(result)")
    }

    /// Lines between the line `start` and the line `end` (both excluded).
    private func section(_ lines: [String], from start: String, to end: String) -> [String] {
        section(lines, from: start) { $0 == end }
    }

    /// Lines after the first line starting with `start`, up to the first line `isEnd` accepts.
    private func section(_ lines: [String], from start: String, isEnd: (String) -> Bool) -> [String] {
        guard let first = lines.firstIndex(where: { $0.hasPrefix(start) }) else { return [] }
        return Array(lines[(first + 1)...].prefix { !isEnd($0) })
    }

    /// Op type → count over the main graph, every graph nested in a node attribute, and function bodies:
    /// `OpType` in the default domain, `domain::OpType` elsewhere.
    static func histogram(of proto: Onnx_ModelProto) -> [String: Int] {
        var counts: [String: Int] = [:]
        func visit(_ nodes: [Onnx_NodeProto]) {
            for node in nodes {
                let name = node.domain.isEmpty || node.domain == "ai.onnx" ? node.opType : "\(node.domain)::\(node.opType)"
                counts[name, default: 0] += 1
                for attribute in node.attribute {
                    if attribute.hasG { visit(attribute.g.node) }
                    for graph in attribute.graphs { visit(graph.node) }
                }
            }
        }
        if proto.hasGraph { visit(proto.graph.node) }
        for function in proto.functions { visit(function.node) }
        return counts
    }
}
