import Foundation
import SwiftProtobuf
import Testing
@testable import ONNX

/// Inputs that are not ONNX models, and saves that cannot complete: always a `FormatError` naming the
/// file, never a crash, and never a partial or temporary file left behind.
@Suite struct ModelFileErrorTests {
    @Test("an empty file")
    func emptyFile() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("empty.onnx")
        try Data().write(to: url)
        let error = try #require(throws: FormatError.self) { try ModelFile.load(url) }
        #expect(error.file == url.path)
        #expect(error.description.hasPrefix(url.path + ": "))
        #expect(error.message.contains("empty"))
    }

    @Test("a missing file")
    func missingFile() throws {
        let url = Fixtures.directory.appendingPathComponent("no-such-model.onnx")
        let error = try #require(throws: FormatError.self) { try ModelFile.load(url) }
        #expect(error.file == url.path)
    }

    @Test("a folder instead of a file")
    func folder() throws {
        let error = try #require(throws: FormatError.self) { try ModelFile.load(Fixtures.directory) }
        #expect(error.file == Fixtures.directory.path)
    }

    @Test("a truncated file, through load()")
    func truncatedFile() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("cut.onnx")
        let bytes = try Fixtures.bytes("cnn.onnx")
        try bytes.prefix(bytes.count / 2).write(to: url)
        let error = try #require(throws: FormatError.self) { try ModelFile.load(url) }
        #expect(error.description == "\(url.path): not an ONNX model (truncated protobuf)")
    }

    /// Byte ranges of the top-level fields of a serialized message (wire types 0, 1, 2 and 5).
    static func topLevelFields(_ data: Data) -> [(number: UInt64, range: Range<Int>)] {
        let bytes = [UInt8](data)
        var fields: [(UInt64, Range<Int>)] = []
        var i = 0
        func varint() -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            return value
        }
        while i < bytes.count {
            let start = i
            let tag = varint()
            switch tag & 7 {
            case 0: _ = varint()
            case 1: i += 8
            case 2: i += Int(varint())
            case 5: i += 4
            default: return fields
            }
            fields.append((tag >> 3, start..<i))
        }
        return fields
    }

    @Test("every 97th prefix of every fixture", arguments: Fixtures.all)
    func truncatedPrefixes(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let fields = Self.topLevelFields(bytes)
        // ModelProto.graph is field 7; onnx writes fields in number order, so everything after the graph
        // (opset_import, metadata_props, training_info, functions) is cut off first. A prefix that ends
        // inside or before the graph cannot be a model.
        let graphEnd = try #require(fields.first { $0.number == 7 }?.range.upperBound)
        #expect(fields.last?.range.upperBound == bytes.count)
        let full = try Fixtures.load(name, loadExternalData: false)
        var lengths = Array(stride(from: 0, to: bytes.count, by: 97))
        lengths += [graphEnd - 1, graphEnd, bytes.count - 1]
        for length in lengths {
            let source = "\(name)[..<\(length)]"
            do {
                let model = try ModelFile.decode(
                    bytes.prefix(length), source: source, baseDirectory: Fixtures.url(name).deletingLastPathComponent(),
                    options: .init(loadExternalData: false))
                // A prefix that ends on a field boundary after the graph is a valid, shorter message.
                #expect(length >= graphEnd, "\(source) decoded")
                #expect(model.graph == full.graph)
                #expect(fields.contains { $0.range.upperBound == length })
            } catch let error as FormatError {
                #expect(error.file == source)
                #expect(error.description.hasPrefix(source + ": "))
            }
        }
    }

    @Test("random bytes", arguments: [1 as UInt64, 2, 3, 4, 5, 6, 7, 8])
    func randomBytes(seed: UInt64) throws {
        var generator = SeededGenerator(state: seed)
        for size in [1, 2, 3, 8, 64, 1000, 4096, 65536] {
            let data = generator.bytes(size)
            let source = "random-\(seed)-\(size).onnx"
            let error = try #require(throws: FormatError.self, "\(source)") {
                try ModelFile.decode(data, source: source, baseDirectory: nil, options: .init(loadExternalData: false))
            }
            #expect(error.file == source)
        }
    }

    @Test("random bytes behind a model's first fields", arguments: [11 as UInt64, 12, 13, 14])
    func randomGraph(seed: UInt64) throws {
        // ir_version 10, then a graph field of random contents: gets the parser into GraphProto and deeper.
        var generator = SeededGenerator(state: seed)
        for size in [1, 5, 50, 500, 5000] {
            var data = Data([0x08, 0x0A, 0x3A])
            var length = size
            while length >= 0x80 { data.append(UInt8(length & 0x7F | 0x80)); length >>= 7 }
            data.append(UInt8(length))
            data.append(generator.bytes(size))
            let source = "graph-\(seed)-\(size).onnx"
            do {
                _ = try ModelFile.decode(data, source: source, baseDirectory: nil, options: .init(loadExternalData: false))
            } catch let error as FormatError {
                #expect(error.file == source)
            }
        }
    }

    @Test("flipped bytes in a fixture decode or fail cleanly", arguments: Fixtures.all)
    func flippedBytes(name: String) throws {
        let original = try Fixtures.bytes(name)
        var generator = SeededGenerator(state: UInt64(original.count))
        for round in 0..<200 {
            var data = original
            for _ in 0..<(1 + round % 4) {
                let i = Int.random(in: 0..<data.count, using: &generator)
                data[i] ^= UInt8.random(in: 1...255, using: &generator)
            }
            let source = "\(name)#\(round)"
            do {
                let model = try ModelFile.decode(data, source: source, baseDirectory: nil, options: .init(loadExternalData: false))
                // Whatever decoded can be summarized and encoded again.
                _ = ModelSummary(model)
                _ = try model.proto()
            } catch let error as FormatError {
                #expect(error.file == source)
            }
        }
    }

    @Test("an unknown data type names the tensor")
    func unknownDataType() throws {
        var proto = try Fixtures.proto("cnn.onnx")
        proto.graph.initializer[1].dataType = 99
        let error = try #require(throws: FormatError.self) {
            try ModelFile.decode(try proto.serializedBytes(), source: "odd.onnx", baseDirectory: nil)
        }
        #expect(error.description == "odd.onnx: tensor 'conv1.bias': unknown data type 99")
    }

    @Test("a message with no graph")
    func noGraph() throws {
        var proto = try Fixtures.proto("cnn.onnx")
        proto.clearGraph()
        let error = try #require(throws: FormatError.self) {
            try ModelFile.decode(try proto.serializedBytes(), source: "nograph.onnx", baseDirectory: nil)
        }
        #expect(error.file == "nograph.onnx")
        // Any other protobuf message is not a model either.
        var tensor = Onnx_TensorProto()
        tensor.name = "x"
        tensor.dims = [1]
        #expect(throws: FormatError.self) {
            try ModelFile.decode(try tensor.serializedBytes(), source: "tensor.pb", baseDirectory: nil)
        }
    }

    // MARK: Saves that cannot complete

    @Test("saving into a missing folder throws and writes nothing", arguments: [
        ModelFile.ExternalDataPolicy.never, .automatic, .always(location: nil, threshold: 0),
    ])
    func saveToMissingFolder(policy: ModelFile.ExternalDataPolicy) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing")
        let out = missing.appendingPathComponent("model.onnx")
        let error = try #require(throws: FormatError.self) {
            try ModelFile.save(try Fixtures.load("cnn.onnx"), to: out, options: .init(externalData: policy))
        }
        #expect(error.file == out.path)
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        #expect(Fixtures.contents(of: folder).isEmpty)
    }

    @Test("a save whose data file cannot be put in place leaves nothing behind")
    func externalTargetIsFolder() throws {
        // Tests run as root here, so an unwritable folder is not available; a folder standing where the
        // data file must go makes the final rename fail after both temporary files were written.
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("w.bin"), withIntermediateDirectories: false)
        #expect(throws: FormatError.self) {
            try ModelFile.save(
                try Fixtures.load("cnn.onnx"), to: folder.appendingPathComponent("model.onnx"),
                options: .init(externalData: .always(location: "w.bin", threshold: 0)))
        }
        #expect(Fixtures.contents(of: folder) == ["w.bin"])
    }

    @Test("a save whose model file cannot be put in place leaves nothing behind", arguments: [
        ModelFile.ExternalDataPolicy.never, .always(location: "w.bin", threshold: 0),
    ])
    func modelTargetIsFolder(policy: ModelFile.ExternalDataPolicy) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("model.onnx")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let error = try #require(throws: FormatError.self) {
            try ModelFile.save(try Fixtures.load("cnn.onnx"), to: target, options: .init(externalData: policy))
        }
        #expect(error.file == target.path)
        #expect(Fixtures.contents(of: folder) == ["model.onnx"])
        #expect(Fixtures.contents(of: target).isEmpty)
    }

    @Test("a failed save restores the data file it was replacing")
    func failedSaveRestores() throws {
        // Saving over an earlier model + data: if the model cannot be put in place, the earlier data file
        // must come back, or the earlier model would point into the new layout.
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("w.bin")
        try Data("earlier save".utf8).write(to: data)
        let target = folder.appendingPathComponent("model.onnx")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        #expect(throws: FormatError.self) {
            try ModelFile.save(
                try Fixtures.load("cnn.onnx"), to: target, options: .init(externalData: .always(location: "w.bin", threshold: 0)))
        }
        #expect(Fixtures.contents(of: folder) == ["model.onnx", "w.bin"])
        #expect(try Data(contentsOf: data) == Data("earlier save".utf8))
    }

    @Test("StagedFiles discards what it did not commit")
    func stagedFiles() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let staging = StagedFiles()
        let a = try staging.stage(folder.appendingPathComponent("a.txt"))
        try Data("a".utf8).write(to: a)
        #expect(a.deletingLastPathComponent().standardizedFileURL.path == folder.standardizedFileURL.path)
        #expect(Fixtures.contents(of: folder).count == 1)
        staging.discard()
        #expect(Fixtures.contents(of: folder).isEmpty)

        let b = try staging.stage(folder.appendingPathComponent("b.txt"))
        try Data("b".utf8).write(to: b)
        try staging.commit()
        #expect(Fixtures.contents(of: folder) == ["b.txt"])
        staging.discard()  // nothing pending: the committed file stays
        #expect(Fixtures.contents(of: folder) == ["b.txt"])
    }
}
