import Foundation
import Testing
@testable import ONNX

@Suite struct ChunkedEncodingTests {
    @Test(arguments: Fixtures.all)
    func chunksConcatenateToTheWholeSerialization(name: String) throws {
        let proto = try Fixtures.proto(name)
        let whole: Data = try proto.serializedBytes()
        let chunks = try ChunkedEncoding.chunks(of: proto, threshold: 0)
        #expect(chunks.reduce(Data(), +) == whole)
    }

    @Test func bigRawTensorsBecomeTheirOwnChunk() throws {
        let weights = Tensor(name: "w", dims: [64, 1024], floats: (0..<65536).map { Float($0) })
        var model = GraphBuilder.model([GraphBuilder.node("MatMul", ["x", "w"], ["y"])], initializers: [weights])
        model.producerName = "test"
        model.metadata = [MetadataEntry(key: "k", value: "v")]
        let proto = try model.proto()
        let chunks = try ChunkedEncoding.chunks(of: proto, threshold: 1024)
        #expect(chunks.reduce(Data(), +) == (try proto.serializedBytes() as Data))
        #expect(chunks.contains { $0 == (try? weights.rawBytes()) })
    }

    @Test func varintHeaders() {
        #expect(ChunkedEncoding.lengthDelimitedHeader(field: 9, length: 0) == Data([0x4A, 0x00]))
        #expect(ChunkedEncoding.lengthDelimitedHeader(field: 7, length: 300) == Data([0x3A, 0xAC, 0x02]))
    }
}
