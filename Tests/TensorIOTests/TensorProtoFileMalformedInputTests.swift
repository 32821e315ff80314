import Foundation
import Testing
import ONNX
@testable import TensorIO

/// Damaged and inconsistent `.pb` files: each is a `TensorIOError` naming the file, never a crash, and a
/// tensor that does come back always has the data its dims call for.
@Suite struct TensorProtoFileMalformedInputTests {
    /// Decodes `data`; on success the tensor must be consistent, on failure the error must name `source`.
    /// Returns whether it decoded.
    @discardableResult
    private func decodeOrFail(_ data: Data, source: String, _ note: String) -> Bool {
        do {
            let tensor = try TensorProtoFile.decode(data, source: source)
            #expect(dataMatchesDims(tensor), "\(note): decoded \(tensor)")
            return true
        } catch let error as TensorIOError {
            #expect(error.description.hasPrefix("\(source): "), "\(note): \(error)")
            return false
        } catch {
            Issue.record("\(note): \(type(of: error)) instead of TensorIOError: \(error)")
            return false
        }
    }

    /// Writes `tensor` as a file (the encoder does not check sizes) and expects reading it to fail.
    private func expectReadFails(_ tensor: Tensor, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.pb")
        try TensorProtoFile.encode(tensor).write(to: url)
        let error = expectTensorIOError(file: url.path, sourceLocation: sourceLocation) {
            _ = try TensorProtoFile.read(from: url)
        }
        for word in words {
            #expect(error?.message.contains(word) == true, "\(String(describing: error)) should mention \(word)", sourceLocation: sourceLocation)
        }
    }

    @Test func emptyFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("empty.pb")
        try Data().write(to: url)
        expectTensorIOError(file: url.path) { _ = try TensorProtoFile.read(from: url) }
    }

    @Test func missingFile() {
        let url = Fixtures.url("no_such_file.pb")
        let error = expectTensorIOError(file: url.path) { _ = try TensorProtoFile.read(from: url) }
        #expect(error?.message == "cannot read file")
    }

    @Test func notAProtobufAtAll() throws {
        // The .npz bundle is a zip archive; an .npy header is not protobuf either.
        let npz = Fixtures.url("cnn.io.npz")
        expectTensorIOError(file: npz.path) { _ = try TensorProtoFile.read(from: npz) }
        let text = Data("just some text\n".utf8)
        expectTensorIOError(file: "notes.pb") { _ = try TensorProtoFile.decode(text, source: "notes.pb") }
    }

    /// In these files raw_data is the last field, so every proper prefix lacks data the dims call for.
    @Test(arguments: Fixtures.rawFormulaNames.map { "\($0).pb" } + ["scalar.pb", "cnn_test_data_set_0/input_0.pb"])
    func everyPrefixOfARawFileFails(file: String) throws {
        let bytes = try Fixtures.bytes(file)
        for length in 0..<bytes.count {
            let decoded = decodeOrFail(bytes.prefix(length), source: file, "\(file) prefix \(length)")
            #expect(!decoded, "\(file) prefix \(length) of \(bytes.count) decoded")
        }
        #expect(decodeOrFail(bytes, source: file, file))
    }

    /// In the others a prefix can be a valid smaller message (typed data before the name field, or an
    /// empty tensor before its empty raw_data); whatever decodes must be consistent.
    @Test(arguments: Fixtures.allTensorFiles)
    func everyPrefixFailsOrIsConsistent(file: String) throws {
        let bytes = try Fixtures.bytes(file)
        for length in 0...bytes.count {
            decodeOrFail(bytes.prefix(length), source: file, "\(file) prefix \(length)")
        }
    }

    @Test func seededRandomBytes() {
        var generator = SeededGenerator(state: 0x7E45_0201)
        var decoded = 0
        for round in 0..<3000 {
            let data = generator.bytes(Int.random(in: 0...48, using: &generator))
            if decodeOrFail(data, source: "random.pb", "round \(round): \(data.map { String($0, radix: 16) })") {
                decoded += 1
            }
        }
        // Protobuf has no magic number, but random bytes almost never form a consistent typed tensor.
        #expect(decoded < 30)
    }

    /// Single-byte changes to a valid file: lengths, tags, dims and type codes all get hit.
    @Test(arguments: ["float32.pb", "float16_typed.pb", "string.pb", "empty.pb"])
    func seededMutations(file: String) throws {
        let bytes = try Fixtures.bytes(file)
        var generator = SeededGenerator(state: 0x3D5F_11C7)
        for round in 0..<1500 {
            var mutated = bytes
            let index = Int.random(in: 0..<mutated.count, using: &generator)
            mutated[mutated.startIndex + index] = UInt8.random(in: 0...255, using: &generator)
            decodeOrFail(mutated, source: file, "\(file) round \(round): byte \(index) = \(mutated[mutated.startIndex + index])")
        }
    }

    @Test func rawDataSizeDoesNotMatchDims() throws {
        try expectReadFails(
            Tensor(name: "short", dataType: .float, dims: [2, 3], raw: Data(count: 20)),
            mentioning: ["'short'", "20 bytes", "24"])
        try expectReadFails(
            Tensor(name: "long", dataType: .int64, dims: [1], raw: Data(count: 9)),
            mentioning: ["'long'", "9 bytes"])
        try expectReadFails(
            Tensor(name: "scalar", dataType: .double, dims: [], raw: Data()),
            mentioning: ["'scalar'"])
    }

    @Test func typedDataCountDoesNotMatchDims() throws {
        try expectReadFails(
            Tensor(name: "floats", dataType: .float, dims: [2, 3], storage: .floats([1, 2, 3, 4, 5])),
            mentioning: ["'floats'"])
        try expectReadFails(
            Tensor(name: "halves", dataType: .float16, dims: [4], storage: .int32s([0, 0, 0])),
            mentioning: ["'halves'"])
        try expectReadFails(
            Tensor(name: "longs", dataType: .int64, dims: [1], storage: .int64s([1, 2])),
            mentioning: ["'longs'"])
        try expectReadFails(
            Tensor(name: "words", dataType: .string, dims: [3], storage: .strings([Data("a".utf8)])),
            mentioning: ["'words'"])
    }

    @Test func storageThatDoesNotFitTheType() throws {
        try expectReadFails(
            Tensor(name: "words", dataType: .string, dims: [2], raw: Data("ab".utf8)), mentioning: ["'words'", "string_data"])
        try expectReadFails(
            Tensor(name: "text", dataType: .float, dims: [1], storage: .strings([Data("abcd".utf8)])),
            mentioning: ["'text'", "string_data"])
        // External data would be read relative to a model file; a lone tensor file has none.
        let reference = ExternalDataReference(
            entries: [MetadataEntry(key: "location", value: "weights.bin"), MetadataEntry(key: "length", value: "4")],
            baseDirectory: nil)
        try expectReadFails(
            Tensor(name: "far", dataType: .float, dims: [1], storage: .external(reference)), mentioning: ["'far'", "weights.bin"])
    }

    @Test func dimsWithoutData() throws {
        try expectReadFails(Tensor(name: "nothing", dataType: .float, dims: [2, 3], storage: .none), mentioning: ["'nothing'"])
        try expectReadFails(Tensor(name: "no scalar", dataType: .int32, dims: [], storage: .none), mentioning: ["'no scalar'"])
    }

    @Test func invalidDims() throws {
        try expectReadFails(Tensor(name: "negative", dataType: .float, dims: [-1], raw: Data()), mentioning: ["'negative'", "dims"])
        try expectReadFails(
            Tensor(name: "huge", dataType: .uint8, dims: [1 << 40, 1 << 40], raw: Data()), mentioning: ["'huge'", "dims"])
    }

    @Test func dataTypeMissingUndefinedOrUnknown() {
        // Field 1 (dims) = 3 and no field 2: no data type.
        expectTensorIOError(file: "a.pb") { _ = try TensorProtoFile.decode(Data([0x08, 0x03]), source: "a.pb") }
        // Field 2 (data_type) = 0, UNDEFINED: no element type to read the data as.
        expectTensorIOError(file: "b.pb") { _ = try TensorProtoFile.decode(Data([0x10, 0x00]), source: "b.pb") }
        // Field 2 = 99, not a TensorProto.DataType.
        let error = expectTensorIOError(file: "c.pb") { _ = try TensorProtoFile.decode(Data([0x10, 0x63]), source: "c.pb") }
        #expect(error?.message.contains("99") == true)
    }

    @Test func unknownFieldsAreRefused() throws {
        // data_type FLOAT, raw_data of 4 bytes, then field 15 (not in TensorProto) as a varint.
        let valid = Data([0x10, 0x01, 0x4A, 0x04, 0, 0, 0x80, 0x3F])
        #expect(try TensorProtoFile.decode(valid, source: "v.pb").floatValues() == [1])
        expectTensorIOError(file: "u.pb") { _ = try TensorProtoFile.decode(valid + [0x78, 0x01], source: "u.pb") }
    }
}
