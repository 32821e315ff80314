import Foundation
import Testing
import ONNX
@testable import TensorIO

/// `TensorProto` files written by onnx: types, dims and elements by the script's formulas; the typed
/// fields against raw_data; encode → decode; atomic writes.
@Suite struct TensorProtoFileTests {
    /// What `<name>.pb` must hold: its element type and its elements as little-endian raw bytes.
    static func expected(_ name: String) -> (type: DataType, raw: Data?) {
        switch name {
        case "float32": return (.float, littleEndian(Fixtures.quarters.map(\.bitPattern)))
        case "float16": return (.float16, nil)  // checked through floatValues(): no Float16 on Intel Macs
        case "double": return (.double, littleEndian(Fixtures.thirds.map(\.bitPattern)))
        case "int64": return (.int64, littleEndian(Fixtures.int64s))
        case "int8": return (.int8, littleEndian(Fixtures.int8s))
        case "uint32": return (.uint32, littleEndian(Fixtures.uint32s))
        case "bool": return (.bool, Data(Fixtures.bools.map { $0 ? 1 : 0 }))
        default: fatalError("no formula for \(name)")
        }
    }

    @Test(arguments: Fixtures.rawFormulaNames)
    func readsRawDataFiles(name: String) throws {
        let tensor = try Fixtures.read("\(name).pb")
        let (type, raw) = Self.expected(name)
        #expect(tensor.name == name)
        #expect(tensor.dataType == type)
        #expect(tensor.dims == Fixtures.dims)
        guard case .raw(let stored) = tensor.storage else {
            Issue.record("numpy_helper.from_array stores raw_data, got \(tensor.storage)")
            return
        }
        #expect(try tensor.rawBytes() == stored)
        if let raw { #expect(stored == raw) }
        #expect(stored.count == type.byteCount(elements: 24))
    }

    @Test func elementValuesFollowTheFormulas() throws {
        #expect(try Fixtures.read("float32.pb").floatValues() == Fixtures.quarters)
        #expect(try Fixtures.read("float16.pb").floatValues() == Fixtures.quarters)
        #expect(try Fixtures.read("double.pb").floatValues() == Fixtures.thirds.map { Float($0) })
        #expect(try Fixtures.read("int64.pb").int64Values() == Fixtures.int64s)
        #expect(try Fixtures.read("int8.pb").int64Values() == Fixtures.int8s.map(Int64.init))
        #expect(try Fixtures.read("uint32.pb").int64Values() == Fixtures.uint32s.map(Int64.init))
        #expect(try Fixtures.read("bool.pb").int64Values() == Fixtures.bools.map { $0 ? 1 : 0 })
    }

    /// make_tensor(raw=False) puts the elements in float_data, int32_data (float16 bits), int64_data,
    /// double_data or uint64_data (uint32); in raw form they must be the bytes from_array wrote.
    @Test(arguments: Fixtures.typedNames)
    func typedFieldsGiveTheSameRawBytes(name: String) throws {
        let typed = try Fixtures.read("\(name)_typed.pb")
        let raw = try Fixtures.read("\(name).pb")
        #expect(typed.name == "\(name)_typed")
        #expect(typed.dataType == raw.dataType)
        #expect(typed.dims == raw.dims)
        if case .raw = typed.storage { Issue.record("\(name)_typed.pb should use a typed field") }
        #expect(try typed.rawBytes() == raw.rawBytes())
        #expect(try typed.floatValues() == raw.floatValues())
    }

    @Test func typedFieldsKeepTheirStorage() throws {
        #expect(try Fixtures.read("float32_typed.pb").storage == .floats(Fixtures.quarters))
        #expect(try Fixtures.read("int64_typed.pb").storage == .int64s(Fixtures.int64s))
        #expect(try Fixtures.read("double_typed.pb").storage == .doubles(Fixtures.thirds))
        #expect(try Fixtures.read("uint32_typed.pb").storage == .uint64s(Fixtures.uint32s.map(UInt64.init)))
        guard case .int32s(let bits) = try Fixtures.read("float16_typed.pb").storage else {
            Issue.record("float16 make_tensor(raw=False) stores int32_data")
            return
        }
        #expect(bits.count == 24)
        #expect(bits.map { HalfPrecision.float16ToFloat(UInt16($0)) } == Fixtures.quarters)
    }

    @Test func readsAScalar() throws {
        let tensor = try Fixtures.read("scalar.pb")
        #expect(tensor.name == "scalar")
        #expect(tensor.dataType == .float)
        #expect(tensor.dims.isEmpty)
        #expect(tensor.elementCount == 1)
        #expect(try tensor.floatValues() == [2.5])
    }

    @Test func readsAZeroSizeTensor() throws {
        let tensor = try Fixtures.read("empty.pb")
        #expect(tensor.dataType == .float)
        #expect(tensor.dims == [0, 4])
        #expect(tensor.elementCount == 0)
        #expect(tensor.storage == .raw(Data()))
        #expect(try tensor.floatValues() == [])
    }

    @Test func readsAStringTensor() throws {
        let tensor = try Fixtures.read("string.pb")
        #expect(tensor.dataType == .string)
        #expect(tensor.dims == [2])
        #expect(tensor.storage == .strings(Fixtures.strings.map { Data($0.utf8) }))
        #expect(throws: TensorDataError.self) { try tensor.rawBytes() }
    }

    /// swift-protobuf and onnx serialize fields in the same order, so encoding gives back the file.
    @Test(arguments: Fixtures.allTensorFiles)
    func encodeReproducesTheFile(file: String) throws {
        let tensor = try Fixtures.read(file)
        let encoded = try TensorProtoFile.encode(tensor)
        #expect(try TensorProtoFile.decode(encoded, source: file) == tensor)
        #expect(encoded == (try Fixtures.bytes(file)))
    }

    @Test func roundTripsEveryStorageThroughAFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tensors = [
            Tensor(name: "raw", dims: [2, 2], floats: [1, -2, 3.5, 0]),
            Tensor(name: "floats", dataType: .float, dims: [3], storage: .floats([1, 2, 3])),
            Tensor(name: "halves", dataType: .float16, dims: [2], storage: .int32s([0x3C00, 0xC000])),
            Tensor(name: "longs", dataType: .int64, dims: [2], storage: .int64s([.min, .max])),
            Tensor(name: "doubles", dataType: .double, dims: [1], storage: .doubles([.pi])),
            Tensor(name: "unsigned", dataType: .uint64, dims: [1], storage: .uint64s([.max])),
            Tensor(name: "words", dataType: .string, dims: [1, 2], storage: .strings([Data("a".utf8), Data()])),
            Tensor(name: nil, dataType: .int8, dims: [0], storage: .none),
            Tensor(name: "scalar", dataType: .bool, dims: [], raw: Data([1])),
        ]
        for (i, tensor) in tensors.enumerated() {
            let url = directory.appendingPathComponent("t\(i).pb")
            try TensorProtoFile.write(tensor, to: url)
            #expect(try TensorProtoFile.read(from: url) == tensor)
        }
        #expect(Fixtures.contents(of: directory) == (0..<tensors.count).map { "t\($0).pb" }.sorted())
    }

    @Test func writeReplacesAnExistingFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("input_0.pb")
        try TensorProtoFile.write(Tensor(name: "old", dims: [1], floats: [1]), to: url)
        let new = Tensor(name: "new", dims: [2], floats: [2, 3])
        try TensorProtoFile.write(new, to: url)
        #expect(try TensorProtoFile.read(from: url) == new)
        #expect(Fixtures.contents(of: directory) == ["input_0.pb"])
    }

    /// A failed write throws naming the destination and leaves neither the file nor a temporary behind.
    @Test func writeIntoAMissingFolderThrowsAndLeavesNothing() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("missing/input_0.pb")
        let error = expectTensorIOError(file: url.path) {
            try TensorProtoFile.write(Tensor(name: "x", dims: [1], floats: [1]), to: url)
        }
        #expect(error?.message == "cannot write file")
        #expect(Fixtures.contents(of: directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
