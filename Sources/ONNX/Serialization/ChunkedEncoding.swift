import Foundation
import SwiftProtobuf

/// Serializes a `ModelProto` as a list of byte chunks whose concatenation is exactly
/// `serializedBytes()`, without copying big `raw_data` blobs into one buffer: they become chunks of
/// their own, shared with the tensors. Saving a 500 MB model then needs no second 500 MB buffer.
///
/// It relies on swift-protobuf writing known fields in field-number order and unknown fields last: a
/// message split into "fields before N" and "fields after N" serializes to the two halves of the whole.
enum ChunkedEncoding {
    /// Tensors whose `raw_data` is at least this big are streamed.
    static let streamThreshold = 1 << 20

    static func chunks(of model: Onnx_ModelProto, threshold: Int = streamThreshold) throws -> [Data] {
        guard model.hasGraph, model.graph.initializer.contains(where: { $0.rawData.count >= threshold }) else {
            return [try model.serializedBytes()]
        }
        // Model: fields 1–6, then graph (7), then 8 onward and unknown fields.
        var head = Onnx_ModelProto()
        if model.hasIrVersion { head.irVersion = model.irVersion }
        if model.hasProducerName { head.producerName = model.producerName }
        if model.hasProducerVersion { head.producerVersion = model.producerVersion }
        if model.hasDomain { head.domain = model.domain }
        if model.hasModelVersion { head.modelVersion = model.modelVersion }
        if model.hasDocString { head.docString = model.docString }
        let tail = modelTail(model)
        let graph = try graphChunks(model.graph, threshold: threshold)
        return [try head.serializedBytes()]
            + [lengthDelimitedHeader(field: 7, length: graph.reduce(0) { $0 + $1.count })] + graph
            + [try tail.serializedBytes()]
    }

    private static func modelTail(_ model: Onnx_ModelProto) -> Onnx_ModelProto {
        var tail = model
        tail.clearIrVersion()
        tail.clearProducerName()
        tail.clearProducerVersion()
        tail.clearDomain()
        tail.clearModelVersion()
        tail.clearDocString()
        tail.clearGraph()
        return tail
    }

    /// Graph: node (1) and name (2), then initializer (5), then 10 onward and unknown fields.
    private static func graphChunks(_ graph: Onnx_GraphProto, threshold: Int) throws -> [Data] {
        var head = Onnx_GraphProto()
        head.node = graph.node
        if graph.hasName { head.name = graph.name }
        var tail = graph
        tail.node = []
        tail.clearName()
        tail.initializer = []
        var chunks: [Data] = [try head.serializedBytes()]
        for tensor in graph.initializer {
            let tensorChunks = try self.tensorChunks(tensor, threshold: threshold)
            chunks.append(lengthDelimitedHeader(field: 5, length: tensorChunks.reduce(0) { $0 + $1.count }))
            chunks += tensorChunks
        }
        chunks.append(try tail.serializedBytes())
        return chunks
    }

    /// Tensor: fields 1–8, then raw_data (9) as its own chunk, then 10 onward and unknown fields.
    private static func tensorChunks(_ tensor: Onnx_TensorProto, threshold: Int) throws -> [Data] {
        guard tensor.hasRawData, tensor.rawData.count >= threshold else { return [try tensor.serializedBytes()] }
        var head = Onnx_TensorProto()
        head.dims = tensor.dims
        if tensor.hasDataType { head.dataType = tensor.dataType }
        if tensor.hasSegment { head.segment = tensor.segment }
        head.floatData = tensor.floatData
        head.int32Data = tensor.int32Data
        head.stringData = tensor.stringData
        head.int64Data = tensor.int64Data
        if tensor.hasName { head.name = tensor.name }
        var tail = tensor
        tail.dims = []
        tail.clearDataType()
        tail.clearSegment()
        tail.floatData = []
        tail.int32Data = []
        tail.stringData = []
        tail.int64Data = []
        tail.clearName()
        tail.clearRawData()
        let raw = tensor.rawData
        return [try head.serializedBytes(), lengthDelimitedHeader(field: 9, length: raw.count), raw, try tail.serializedBytes()]
    }

    /// The tag of a length-delimited field (wire type 2) followed by the varint length.
    static func lengthDelimitedHeader(field: Int, length: Int) -> Data {
        var bytes = Data()
        appendVarint(UInt64(field << 3 | 2), to: &bytes)
        appendVarint(UInt64(length), to: &bytes)
        return bytes
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout Data) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
