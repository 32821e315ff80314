import Foundation
import Testing
import NumPy
import ONNX
@testable import TensorIO

/// Model inputs given as files: `.npy` named after inputs or positions, backend-test `input_K.pb`, one
/// `.npz` bundle.
@Suite struct TensorFilesTests {
    private let cnnInputArray = NpyArray(floats: Fixtures.cnnInput, shape: [2, 1, 8, 8])

    private func expectCNNInput(_ tensors: [Tensor], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(tensors.map(\.name) == ["input"], sourceLocation: sourceLocation)
        let input = try #require(tensors.first, sourceLocation: sourceLocation)
        #expect(input.dims == Fixtures.cnnInputDims, sourceLocation: sourceLocation)
        #expect(try input.floatValues() == Fixtures.cnnInput, sourceLocation: sourceLocation)
    }

    private func npy(_ array: NpyArray, _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try NpyFile.write(array, to: url)
        return url
    }

    @Test(arguments: ["input.npy", "input_0.npy"])
    func npyNamedAfterTheInputOrItsPosition(file: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try npy(cnnInputArray, file, in: directory)
        try expectCNNInput(try TensorFiles.readInputs([url], for: try Fixtures.cnnGraph()))
    }

    /// onnx's backend-test layout: `input_0.pb` holding a tensor named after the input.
    @Test func backendTestInputPb() throws {
        let url = Fixtures.cnnTestDataSet.appendingPathComponent("input_0.pb")
        try expectCNNInput(try TensorFiles.readInputs([url], for: try Fixtures.cnnGraph()))
    }

    /// The file name's position wins over the name stored in an `input_K.pb`; any other `.pb` is keyed by
    /// its stored name.
    @Test func pbKeys() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let graph = Fixtures.graph(inputs: ["a", "b"])
        let first = directory.appendingPathComponent("input_0.pb")
        try TensorProtoFile.write(Tensor(name: "b", dims: [1], floats: [1]), to: first)
        let second = directory.appendingPathComponent("anything.pb")
        try TensorProtoFile.write(Tensor(name: "b", dims: [1], floats: [2]), to: second)
        let tensors = try TensorFiles.readInputs([second, first], for: graph)
        #expect(tensors.map(\.name) == ["a", "b"])
        #expect(try tensors.map { try $0.floatValues() } == [[1], [2]])
    }

    @Test func unnamedPbIsKeyedByFileName() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("input.pb")
        try TensorProtoFile.write(Tensor(name: nil, dataType: .float, dims: [2, 1, 8, 8], raw: cnnInputArray.data), to: url)
        try expectCNNInput(try TensorFiles.readInputs([url], for: try Fixtures.cnnGraph()))
    }

    /// Files come back in graph order, whatever order they were given in, and may mix formats.
    @Test func severalInputsInGraphOrder() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let graph = Fixtures.graph(inputs: ["ids", "mask", "scale"])
        let mask = try npy(NpyArray(scalars: [Int64(1), 0, 1]), "mask.npy", in: directory)
        let ids = try npy(NpyArray(scalars: [Int64(7), 8, 9]), "input_0.npy", in: directory)
        let scale = directory.appendingPathComponent("input_2.pb")
        try TensorProtoFile.write(Tensor(name: "scale", dims: [], floats: [0.5]), to: scale)
        let tensors = try TensorFiles.readInputs([scale, mask, ids], for: graph)
        #expect(tensors.map(\.name) == ["ids", "mask", "scale"])
        #expect(tensors.map(\.dataType) == [.int64, .int64, .float])
        #expect(try tensors[0].int64Values() == [7, 8, 9])
        #expect(try tensors[1].int64Values() == [1, 0, 1])
        #expect(try tensors[2].floatValues() == [0.5])
    }

    @Test(arguments: ["cnn.io.npz", "cnn_positional.io.npz"])
    func aSingleNpzBundle(file: String) throws {
        try expectCNNInput(try TensorFiles.readInputs([Fixtures.url(file)], for: try Fixtures.cnnGraph()))
    }

    @Test(arguments: ["input.txt", "input.npy.gz", "input"])
    func unknownExtension(file: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(file)
        try Data([1, 2, 3]).write(to: url)
        let error = expectTensorIOError(file: url.path) { _ = try TensorFiles.readInputs([url], for: try Fixtures.cnnGraph()) }
        #expect(error?.message.contains(".npy") == true)
    }

    /// A bundle is the whole input set; mixed with other files it is an error saying so.
    @Test func npzWithOtherFiles() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let extra = try npy(cnnInputArray, "input.npy", in: directory)
        let bundle = Fixtures.url("cnn.io.npz")
        let error = expectTensorIOError(file: bundle.path) {
            _ = try TensorFiles.readInputs([bundle, extra], for: try Fixtures.cnnGraph())
        }
        #expect(error?.message.contains("only") == true, "\(String(describing: error))")
    }

    @Test func missingAndUnknownInputs() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let graph = Fixtures.graph(inputs: ["a", "b"])
        let a = try npy(NpyArray(floats: [1]), "a.npy", in: directory)
        let missing = expectTensorIOError(file: "a.npy") { _ = try TensorFiles.readInputs([a], for: graph) }
        #expect(missing?.message == "no value for input(s) b")

        let c = try npy(NpyArray(floats: [1]), "c.npy", in: directory)
        let unknown = expectTensorIOError(file: "a.npy, c.npy") { _ = try TensorFiles.readInputs([a, c], for: graph) }
        #expect(unknown?.message.hasPrefix("unknown key(s) c;") == true)
    }

    @Test func damagedFilesNameTheFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pb = directory.appendingPathComponent("input_0.pb")
        try Data([0x08, 0x03]).write(to: pb)
        expectTensorIOError(file: pb.path) { _ = try TensorFiles.readInputs([pb], for: try Fixtures.cnnGraph()) }

        let npyURL = directory.appendingPathComponent("input.npy")
        try Data("not numpy".utf8).write(to: npyURL)
        #expect {
            _ = try TensorFiles.readInputs([npyURL], for: try Fixtures.cnnGraph())
        } throws: { error in
            "\(error)".hasPrefix(npyURL.path)
        }
    }
}
