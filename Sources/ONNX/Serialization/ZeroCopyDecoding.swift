import Foundation
import SwiftProtobuf

/// Decodes a mapped `.onnx` file so that big initializers' `raw_data` shares the mapping instead of being
/// copied (swift-protobuf copies every bytes field). Only the path model → graph → initializer → raw_data
/// is walked by hand; everything around it is handed to swift-protobuf as the bytes it came in, so the
/// result equals a plain decode. Anything unusual (a repeated singular field, groups, malformed wire data)
/// returns nil and the caller decodes the plain way, which also gives the proper error.
struct ZeroCopyDecoding {
    let file: MappedFile
    /// Smaller raw_data is copied: not worth a reference to the mapping.
    var threshold = 4096

    private struct Irregular: Error {}

    func decodeModel() -> Onnx_ModelProto? {
        do {
            return try file.withBytes { buffer in
                var graph: Onnx_GraphProto?
                let rest = try split(buffer, range: 0..<buffer.count, field: 7) { payload in
                    guard graph == nil else { throw Irregular() }
                    graph = try decodeGraph(buffer, range: payload)
                }
                var model = try Onnx_ModelProto(serializedBytes: rest)
                if let graph { model.graph = graph }
                return model
            }
        } catch {
            return nil
        }
    }

    private func decodeGraph(_ buffer: UnsafeRawBufferPointer, range: Range<Int>) throws -> Onnx_GraphProto {
        var initializers: [Onnx_TensorProto] = []
        let rest = try split(buffer, range: range, field: 5) { payload in
            initializers.append(try decodeTensor(buffer, range: payload))
        }
        var graph = try Onnx_GraphProto(serializedBytes: rest)
        graph.initializer = initializers
        return graph
    }

    private func decodeTensor(_ buffer: UnsafeRawBufferPointer, range: Range<Int>) throws -> Onnx_TensorProto {
        var raw: Range<Int>?
        let rest = try split(buffer, range: range, field: 9) { payload in
            guard raw == nil else { throw Irregular() }
            raw = payload
        }
        var tensor = try Onnx_TensorProto(serializedBytes: rest)
        if let raw {
            tensor.rawData = raw.count >= threshold
                ? file.bytes(in: raw)
                : Data(UnsafeRawBufferPointer(rebasing: buffer[raw]))
        }
        return tensor
    }

    /// Walks the fields in `range`: each length-delimited occurrence of `field` goes to `take` (with its
    /// payload range), every other field's bytes are collected and returned.
    private func split(
        _ buffer: UnsafeRawBufferPointer, range: Range<Int>, field wanted: UInt64,
        take: (Range<Int>) throws -> Void
    ) throws -> Data {
        var rest = Data()
        var position = range.lowerBound
        while position < range.upperBound {
            let start = position
            let tag = try varint(buffer, &position, end: range.upperBound)
            let (field, wireType) = (tag >> 3, tag & 7)
            switch wireType {
            case 0: _ = try varint(buffer, &position, end: range.upperBound)
            case 1: position += 8
            case 5: position += 4
            case 2:
                let length = try varint(buffer, &position, end: range.upperBound)
                guard length <= UInt64(range.upperBound - position) else { throw Irregular() }
                let payload = position..<(position + Int(length))
                position = payload.upperBound
                if field == wanted {
                    try take(payload)
                    continue
                }
            default: throw Irregular()
            }
            guard position <= range.upperBound else { throw Irregular() }
            rest.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<position]))
        }
        return rest
    }

    private func varint(_ buffer: UnsafeRawBufferPointer, _ position: inout Int, end: Int) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 64 {
            let byte = buffer[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw Irregular()
    }
}
