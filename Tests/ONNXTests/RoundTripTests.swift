import Foundation
import SwiftProtobuf
import Testing
@testable import ONNX

/// Load → IR → message must give back the message onnx wrote, field for field (presence included), and a
/// save → load cycle must give back the same IR.
@Suite struct RoundTripTests {
    @Test("IR of a fixture encodes to the message in the file", arguments: Fixtures.all)
    func loadThenEncode(name: String) throws {
        let model = try Fixtures.load(name, loadExternalData: false)
        let expected = try Fixtures.proto(name)
        let actual = try model.proto()
        #expect(actual == expected)
        // Serializing is stable too: decoding what we encode gives the same message again.
        #expect(try Onnx_ModelProto(serializedBytes: try actual.serializedBytes() as Data) == expected)
    }

    @Test("Model(proto:) then proto() is the identity", arguments: Fixtures.all)
    func protoIdentity(name: String) throws {
        let proto = try Fixtures.proto(name)
        let model = try Model(proto: proto, baseDirectory: Fixtures.url(name).deletingLastPathComponent())
        #expect(try model.proto() == proto)
    }

    @Test("save then decode gives the same model", arguments: Fixtures.all)
    func saveThenDecode(name: String) throws {
        let model = try Fixtures.load(name)
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("saved.onnx")

        let report = try ModelFile.save(model, to: out, options: .init(externalData: .never))
        let bytes = try Data(contentsOf: out)
        #expect(report.modelBytes == bytes.count)
        #expect(report.externalFile == nil)
        #expect(Fixtures.contents(of: folder) == ["saved.onnx"])

        let decoded = try ModelFile.decode(bytes, source: out.path, baseDirectory: folder)
        #expect(decoded == model)
        if name != Fixtures.external {
            // Without external data the saved message is the one onnx wrote.
            #expect(try Onnx_ModelProto(serializedBytes: bytes) == Fixtures.proto(name))
        }
    }

    @Test("saving over an existing file replaces it")
    func saveReplaces() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("model.onnx")
        try Data("old contents".utf8).write(to: out)
        try ModelFile.save(try Fixtures.load("cnn.onnx"), to: out)
        #expect(try ModelFile.load(out) == Fixtures.load("cnn.onnx"))
        #expect(Fixtures.contents(of: folder) == ["model.onnx"])
    }

    @Test("a model built in code round-trips through a file")
    func builtModel() throws {
        let weight = Tensor(name: "w", dims: [2, 2], floats: [1, 2, 3, 4])
        let graph = Graph(
            name: "g",
            nodes: [Node(opType: "MatMul", inputs: ["x", "w"], outputs: ["y"])],
            inputs: [Value(name: "x", type: .tensor(.float, TensorShape([.symbolic("N"), .known(2)])))],
            outputs: [Value(name: "y", type: .tensor(.float, nil))],
            initializers: [weight])
        let model = Model(irVersion: 10, opsetImports: [OperatorSetID(domain: "", version: 21)], graph: graph)
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("built.onnx")
        try ModelFile.save(model, to: out)
        let loaded = try ModelFile.load(out)
        #expect(loaded == model)
        #expect(try loaded.initializer("w")?.floatValues() == [1, 2, 3, 4])
        // Fields left nil stay absent in the message.
        let proto = try loaded.proto()
        #expect(!proto.hasProducerName && !proto.hasDocString && !proto.graph.node[0].hasName)
    }
}
