import Foundation
import SwiftProtobuf
import Testing
@testable import ONNX

/// Tensors kept beside the model (`data_location: EXTERNAL`): reading what onnx wrote, writing our own,
/// and refusing references that point outside the file or the folder.
@Suite struct ExternalDataTests {
    @Test("loading resolves external tensors to the bytes onnx wrote")
    func loadResolves() throws {
        let model = try Fixtures.load(Fixtures.external)
        let weight = try #require(model.initializer("weight"))
        #expect(weight.dims == [64, 32])
        #expect(try weight.rawBytes() == Fixtures.littleEndian(Fixtures.externalWeight))
        #expect(try weight.floatValues() == Fixtures.externalWeight)
        #expect(try model.initializer("bias")?.floatValues() == Fixtures.externalBias)
        #expect(try model.initializer("steps")?.int64Values() == Fixtures.externalSteps)
        for tensor in model.allTensors {
            #expect(!tensor.isExternal)
            #expect(tensor.declaredDataLocation == nil)
        }
    }

    @Test("loadExternalData: false keeps references with location, offset and length")
    func referencesStay() throws {
        let model = try Fixtures.load(Fixtures.external, loadExternalData: false)
        // Offsets and lengths as onnx 1.23 wrote them: contiguous, in initializer order.
        let expected: [(String, Int64, Int64)] = [("weight", 0, 8192), ("bias", 8192, 128), ("steps", 8320, 40)]
        for (name, offset, length) in expected {
            let tensor = try #require(model.initializer(name))
            guard case .external(let ref) = tensor.storage else {
                Issue.record("\(name) is not external")
                continue
            }
            #expect(ref.location == Fixtures.externalLocation)
            #expect(ref.offset == offset)
            #expect(ref.length == length)
            #expect(ref.baseDirectory?.standardizedFileURL.path == Fixtures.externalDirectory.standardizedFileURL.path)
            #expect(tensor.declaredDataLocation == 1)
            #expect(tensor.byteCount == Int(length))
        }
        #expect(ModelSummary(model).externalTensorCount == 3)
    }

    @Test("saving with .always writes 4096-aligned data that loads back equal")
    func saveAlways() throws {
        let original = try Fixtures.load(Fixtures.external)
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("model.onnx")

        let report = try ModelFile.save(original, to: out, options: .init(externalData: .always(location: "w.bin", threshold: 0)))
        #expect(Fixtures.contents(of: folder) == ["model.onnx", "w.bin"])
        #expect(report.externalFile?.lastPathComponent == "w.bin")
        #expect(report.externalTensors == 3)
        let dataSize = try #require(try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("w.bin").path)[.size] as? Int)
        #expect(report.externalBytes == Int64(dataSize))

        let references = try ModelFile.load(out, options: .init(loadExternalData: false))
        var end: Int64 = 0
        for tensor in references.allTensors {
            guard case .external(let ref) = tensor.storage else {
                Issue.record("\(tensor.name) was not written externally")
                continue
            }
            #expect(ref.location == "w.bin")
            let offset = try #require(ref.offset)
            #expect(offset % 4096 == 0, "\(tensor.name) at \(offset)")
            #expect(offset >= end, "\(tensor.name) overlaps the tensor before it")
            end = offset + (ref.length ?? 0)
        }
        #expect(end == Int64(dataSize))

        let loaded = try ModelFile.load(out)
        #expect(loaded == original)
    }

    @Test("a threshold keeps small tensors inline")
    func threshold() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("model.onnx")
        let report = try ModelFile.save(
            try Fixtures.load(Fixtures.external), to: out, options: .init(externalData: .always(location: nil, threshold: 1000)))
        #expect(report.externalTensors == 1)
        #expect(Fixtures.contents(of: folder) == ["model.onnx", "model.onnx.data"])
        let model = try ModelFile.load(out, options: .init(loadExternalData: false))
        #expect(model.initializer("weight")?.isExternal == true)
        #expect(model.initializer("bias")?.isExternal == false)
        #expect(model.initializer("steps")?.isExternal == false)
        #expect(try ModelFile.load(out).initializer("weight")?.floatValues() == Fixtures.externalWeight)
    }

    @Test("every storage kind survives being written externally")
    func externalizeEveryStorage() throws {
        let original = try Fixtures.load("tensor_storage.onnx")
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("model.onnx")
        let report = try ModelFile.save(original, to: out, options: .init(externalData: .always(location: "all.bin", threshold: 0)))
        let loaded = try ModelFile.load(out)
        let before = original.allTensors, after = loaded.allTensors
        try #require(before.count == after.count)
        var external = 0
        for (a, b) in zip(before, after) {
            #expect(a.name == b.name && a.dims == b.dims && a.dataType == b.dataType)
            switch a.storage {
            case .strings, .none:
                #expect(a.storage == b.storage, "\(a.name)")
            default:
                if a.dataType == nil { continue }
                external += 1
                #expect(try a.rawBytes() == b.rawBytes(), "\(a.name)")
                #expect(b.storage == .raw(try a.rawBytes()), "\(a.name)")
            }
        }
        #expect(report.externalTensors == external)
    }

    @Test("saving an external model elsewhere re-writes or inlines its data")
    func saveElsewhere() throws {
        let model = try Fixtures.load(Fixtures.external, loadExternalData: false)
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }

        // Inline: the references are read and the bytes go into the model.
        let inline = folder.appendingPathComponent("inline.onnx")
        try ModelFile.save(model, to: inline, options: .init(externalData: .never))
        let inlineProto = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: inline))
        #expect(inlineProto.graph.initializer.allSatisfy { $0.externalData.isEmpty && $0.dataLocation == .default })
        #expect(try ModelFile.load(inline) == Fixtures.load(Fixtures.external))

        // External: a new data file beside the new model, none of the references naming the old one.
        let sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
        let moved = sub.appendingPathComponent("moved.onnx")
        try ModelFile.save(model, to: moved, options: .init(externalData: .always(location: nil, threshold: 0)))
        #expect(Fixtures.contents(of: sub) == ["moved.onnx", "moved.onnx.data"])
        let movedProto = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: moved))
        for tensor in movedProto.graph.initializer {
            #expect(tensor.externalData.first { $0.key == "location" }?.value == "moved.onnx.data")
        }
        #expect(try ModelFile.load(moved) == Fixtures.load(Fixtures.external))
    }

    @Test(".automatic keeps a small model inline")
    func automaticInline() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("model.onnx")
        let report = try ModelFile.save(try Fixtures.load(Fixtures.external, loadExternalData: false), to: out, options: .init(externalData: .automatic))
        #expect(report.externalFile == nil && report.externalTensors == 0 && report.externalBytes == 0)
        #expect(Fixtures.contents(of: folder) == ["model.onnx"])
        #expect(try ModelFile.load(out, options: .init(loadExternalData: false)).allTensors.allSatisfy { !$0.isExternal })
    }

    @Test("an external location must be a plain file name")
    func badSaveLocation() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Fixtures.load(Fixtures.external)
        for location in ["../w.bin", "a/b.bin", "", ".", ".."] {
            #expect(throws: FormatError.self, "\(location)") {
                try ModelFile.save(model, to: folder.appendingPathComponent("m.onnx"), options: .init(externalData: .always(location: location, threshold: 0)))
            }
        }
        #expect(Fixtures.contents(of: folder).isEmpty)
    }

    // MARK: References that must be refused

    /// The external fixture's bytes with `tensor`'s external_data entries replaced.
    func fixture(with entries: [String: String], for tensor: String) throws -> Data {
        var proto = try Fixtures.proto(Fixtures.external)
        let index = try #require(proto.graph.initializer.firstIndex { $0.name == tensor })
        proto.graph.initializer[index].externalData = entries.sorted { $0.key < $1.key }.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return try proto.serializedBytes()
    }

    @Test("bad references are a FormatError naming the file and the tensor", arguments: [
        ["location": "../weights.data"],
        ["location": "../external/weights.data"],
        ["location": "/etc/hostname"],
        ["location": "missing.data"],
        ["location": ""],
        ["offset": "0"],
        ["location": "weights.data", "offset": "8320", "length": "41"],
        ["location": "weights.data", "offset": "8361"],
        ["location": "weights.data", "offset": "9000", "length": "0"],
        ["location": "weights.data", "offset": "-1", "length": "4"],
        ["location": "weights.data", "offset": "0", "length": "-4"],
        ["location": "weights.data", "offset": "0", "length": "99999999999999999"],
        ["location": "weights.data", "offset": "abc", "length": "128"],
        ["location": "weights.data", "offset": "8192", "length": "128 "],
    ])
    func badReference(entries: [String: String]) throws {
        let data = try fixture(with: entries, for: "bias")
        let error = try #require(throws: FormatError.self) {
            try ModelFile.decode(data, source: "bad.onnx", baseDirectory: Fixtures.externalDirectory)
        }
        #expect(error.file == "bad.onnx")
        #expect(error.description.hasPrefix("bad.onnx: "))
        #expect(error.message.contains("'bias'"), "\(error)")
    }

    /// A folder holding the fixture's weights.data next to `entry` (a symlink or a FIFO) named `odd.data`.
    private func folderWithOddEntry(_ make: (URL) throws -> Void) throws -> URL {
        let folder = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(at: Fixtures.externalDirectory.appendingPathComponent("weights.data"),
                                         to: folder.appendingPathComponent("weights.data"))
        try make(folder.appendingPathComponent("odd.data"))
        return folder
    }

    @Test("a symbolic link inside the folder that leads out of it is refused before it is read")
    func symlinkOutOfTheFolder() throws {
        let outside = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        let secret = outside.appendingPathComponent("secret")
        try Data(repeating: 7, count: 8360).write(to: secret)
        let folder = try folderWithOddEntry { try FileManager.default.createSymbolicLink(at: $0, withDestinationURL: secret) }
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try fixture(with: ["location": "odd.data", "offset": "8192", "length": "128"], for: "bias")
        let error = try #require(throws: FormatError.self) {
            try ModelFile.decode(data, source: "bad.onnx", baseDirectory: folder)
        }
        #expect(error.message == "tensor 'bias': external data location 'odd.data' leaves the model's folder (through a symbolic link)")
    }

    @Test("a symbolic link that stays inside the folder is followed")
    func symlinkInsideTheFolder() throws {
        let folder = try folderWithOddEntry { try FileManager.default.createSymbolicLink(atPath: $0.path, withDestinationPath: "weights.data") }
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try fixture(with: ["location": "odd.data", "offset": "8192", "length": "128"], for: "bias")
        let model = try ModelFile.decode(data, source: "ok.onnx", baseDirectory: folder)
        #expect(try model.initializer("bias")?.floatValues() == Fixtures.externalBias)
    }

    @Test("a FIFO as external data is refused at once, not waited on")
    func fifoIsNotOpened() throws {
        let folder = try folderWithOddEntry { #expect(mkfifo($0.path, 0o600) == 0) }
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try fixture(with: ["location": "odd.data", "offset": "0", "length": "4"], for: "bias")
        let error = try #require(throws: FormatError.self) {
            try ModelFile.decode(data, source: "bad.onnx", baseDirectory: folder)
        }
        #expect(error.message == "tensor 'bias': external data location 'odd.data' is not a regular file")
    }

    @Test("a reference at the very end of the file is fine")
    func referenceAtEnd() throws {
        let data = try fixture(with: ["location": "weights.data", "offset": "8360", "length": "0"], for: "bias")
        let model = try ModelFile.decode(data, source: "edge.onnx", baseDirectory: Fixtures.externalDirectory)
        #expect(model.initializer("bias")?.storage == .raw(Data()))
        // Without offset and length a reference means the whole file.
        let whole = try fixture(with: ["location": "weights.data"], for: "steps")
        #expect(try ModelFile.decode(whole, source: "whole.onnx", baseDirectory: Fixtures.externalDirectory)
            .initializer("steps")?.rawBytes().count == 8360)
    }

    @Test("without loading, a bad reference is only a reference; saving it fails and writes nothing")
    func badReferenceOnSave() throws {
        let data = try fixture(with: ["location": "missing.data"], for: "weight")
        let model = try ModelFile.decode(
            data, source: "bad.onnx", baseDirectory: Fixtures.externalDirectory, options: .init(loadExternalData: false))
        #expect(model.initializer("weight")?.isExternal == true)
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for policy in [ModelFile.ExternalDataPolicy.never, .always(location: "w.bin", threshold: 0)] {
            let error = try #require(throws: FormatError.self) {
                try ModelFile.save(model, to: folder.appendingPathComponent("out.onnx"), options: .init(externalData: policy))
            }
            #expect(error.message.contains("'weight'"))
            #expect(Fixtures.contents(of: folder).isEmpty, "\(policy)")
        }
    }
}
