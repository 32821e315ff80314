import Foundation
import Testing
import NumPy
import ONNX
@testable import TensorIO

/// `.io.npz` bundles against cnn.onnx (input `input` [N, 1, 8, 8], output `logits` [N, 10]) and small
/// hand-built graphs.
@Suite struct IOBundleTests {
    /// Writes an `.npz` with the given keys (float32 arrays of one element unless given) and returns its URL.
    private func npz(_ entries: [(String, NpyArray)], in directory: URL, name: String = "b.io.npz") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try NpzArchive.write(entries, to: url, compressed: false)
        return url
    }

    private func one(_ value: Float) -> NpyArray { NpyArray(floats: [value]) }

    private func expectCNNBundle(_ bundle: IOBundle) throws {
        #expect(bundle.inputs.map(\.name) == ["input"])
        #expect(bundle.outputs.map(\.name) == ["logits"])
        let input = try #require(bundle.inputs.first)
        #expect(input.dataType == .float)
        #expect(input.dims == Fixtures.cnnInputDims)
        #expect(try input.floatValues() == Fixtures.cnnInput)
        let output = try #require(bundle.outputs.first)
        #expect(output.dataType == .float)
        #expect(output.dims == Fixtures.cnnOutputDims)
        #expect(try output.floatValues().allSatisfy(\.isFinite))
    }

    @Test func readsByName() throws {
        try expectCNNBundle(try IOBundle.read(from: Fixtures.url("cnn.io.npz"), for: try Fixtures.cnnGraph()))
    }

    /// `input_0` / `output_0` (np.savez_compressed) name the graph's first input and output.
    @Test func readsByPosition() throws {
        let graph = try Fixtures.cnnGraph()
        let positional = try IOBundle.read(from: Fixtures.url("cnn_positional.io.npz"), for: graph)
        try expectCNNBundle(positional)
        #expect(positional == (try IOBundle.read(from: Fixtures.url("cnn.io.npz"), for: graph)))
    }

    /// The bundle's golden output is the one in the backend-test folder, both written from onnxruntime's run.
    @Test func bundleMatchesTheBackendTestFiles() throws {
        let bundle = try IOBundle.read(from: Fixtures.url("cnn.io.npz"), for: try Fixtures.cnnGraph())
        let input = try TensorProtoFile.read(from: Fixtures.cnnTestDataSet.appendingPathComponent("input_0.pb"))
        let output = try TensorProtoFile.read(from: Fixtures.cnnTestDataSet.appendingPathComponent("output_0.pb"))
        #expect(bundle.inputs == [input])
        #expect(bundle.outputs == [output])
    }

    @Test func unknownKeyListsTheModelsInputsAndOutputs() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try npz([("input", one(1)), ("bogus", one(2)), ("output_1", one(3)), ("input_x", one(4))], in: directory)
        let error = expectTensorIOError(file: url.path) { _ = try IOBundle.read(from: url, for: try Fixtures.cnnGraph()) }
        let message = try #require(error?.message)
        // Only the keys that match nothing are listed, then what the model has.
        #expect(message.hasPrefix("unknown key(s) bogus, output_1, input_x;"), "\(message)")
        for word in ["inputs are input", "outputs logits"] {
            #expect(message.contains(word), "\(message) should mention \(word)")
        }
    }

    @Test func missingInput() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try npz([("logits", one(1))], in: directory)
        let error = expectTensorIOError(file: url.path) { _ = try IOBundle.read(from: url, for: try Fixtures.cnnGraph()) }
        #expect(error?.message == "no value for input(s) input")
    }

    /// Two keys for the same input (by name and by position) is an error, not a silent choice.
    @Test func twoValuesForOneInput() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try npz([("input", one(1)), ("input_0", one(2))], in: directory)
        let error = expectTensorIOError(file: url.path) { _ = try IOBundle.read(from: url, for: try Fixtures.cnnGraph()) }
        #expect(error?.message.contains("'input'") == true)
        #expect(error?.message.contains("input_0") == true)
    }

    @Test func outputsAreOptional() throws {
        let graph = try Fixtures.cnnGraph()
        let bundle = try IOBundle.resolve(
            [("input_0", Tensor(name: "input_0", dims: [1], floats: [1]))], for: graph, file: "x")
        #expect(bundle.inputs.map(\.name) == ["input"])
        #expect(bundle.outputs.isEmpty)
    }

    @Test(arguments: [false, true])
    func writeThenReadRoundTrips(compressed: Bool) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("cnn.io.npz")
        let bundle = IOBundle(
            inputs: [Tensor(name: "input", dims: Fixtures.cnnInputDims, floats: Fixtures.cnnInput)],
            outputs: [Tensor(name: "logits", dims: Fixtures.cnnOutputDims, floats: (0..<20).map { Float($0) - 9.5 })])
        try bundle.write(to: url, compressed: compressed)
        #expect(try IOBundle.read(from: url, for: try Fixtures.cnnGraph()) == bundle)
        #expect(Fixtures.contents(of: directory) == ["cnn.io.npz"])
        // numpy reads it too: the entries are plain .npy members named after the tensors.
        #expect(try NpzArchive.read(from: url).map(\.name) == ["input", "logits"])
    }

    @Test func rereadingTheFixtureWritesTheSameArrays() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let graph = try Fixtures.cnnGraph()
        let bundle = try IOBundle.read(from: Fixtures.url("cnn_positional.io.npz"), for: graph)
        let url = directory.appendingPathComponent("again.io.npz")
        try bundle.write(to: url)
        #expect(try IOBundle.read(from: url, for: graph) == bundle)
    }

    @Test func writeRefusesTensorsWithoutANumPyDType() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("b.io.npz")
        let bundle = IOBundle(inputs: [try Fixtures.read("string.pb")], outputs: [])
        let error = expectTensorIOError(file: url.path) { try bundle.write(to: url) }
        #expect(error?.message.contains("'string'") == true)
        #expect(Fixtures.contents(of: directory).isEmpty)
    }

    /// A graph input literally called `input_0` is matched by name before `input_0` is read as a position.
    @Test func literalInputZeroNameWinsOverPosition() throws {
        let graph = Fixtures.graph(inputs: ["x", "input_0"], outputs: ["output_0", "y"])
        let entries: [(key: String, tensor: Tensor)] = [
            ("input_0", Tensor(name: "input_0", dims: [1], floats: [1])),
            ("x", Tensor(name: "x", dims: [1], floats: [2])),
            ("output_0", Tensor(name: "output_0", dims: [1], floats: [3])),
            ("output_1", Tensor(name: "output_1", dims: [1], floats: [4])),
        ]
        let bundle = try IOBundle.resolve(entries, for: graph, file: "b.io.npz")
        #expect(bundle.inputs.map(\.name) == ["x", "input_0"])
        #expect(try bundle.inputs.map { try $0.floatValues() } == [[2], [1]])
        #expect(bundle.outputs.map(\.name) == ["output_0", "y"])
        #expect(try bundle.outputs.map { try $0.floatValues() } == [[3], [4]])

        // The same through a file.
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try npz([("input_0", one(1)), ("input_1", one(5))], in: directory)
        // input_1 is the position of "input_0", which already has a value by name.
        expectTensorIOError(file: url.path) { _ = try IOBundle.read(from: url, for: graph) }
        let byName = try npz([("input_0", one(1)), ("x", one(2))], in: directory, name: "c.io.npz")
        #expect(try IOBundle.read(from: byName, for: graph).inputs.map(\.name) == ["x", "input_0"])
    }

    /// Inputs that are also initializers (IR < 4 style) need no value; positions count runtime inputs only.
    @Test func initializersListedAsInputsNeedNoValue() throws {
        let weight = Tensor(name: "w", dims: [1], floats: [0])
        let graph = Fixtures.graph(inputs: ["w", "x"], initializers: [weight])
        let bundle = try IOBundle.resolve([("input_0", Tensor(name: "input_0", dims: [1], floats: [7]))], for: graph, file: "b")
        #expect(bundle.inputs.map(\.name) == ["x"])
    }

    @Test func positionalKeysOutOfRangeOrMalformed() throws {
        let graph = Fixtures.graph(inputs: ["a"], outputs: ["y"])
        for key in ["input_1", "input_-1", "input_+0", "input_", "input_01x", "output_1", "Input_0"] {
            let entries: [(key: String, tensor: Tensor)] = [
                ("a", Tensor(name: "a", dims: [1], floats: [0])), (key, Tensor(name: key, dims: [1], floats: [0])),
            ]
            let error = expectTensorIOError(file: "b") { _ = try IOBundle.resolve(entries, for: graph, file: "b") }
            #expect(error?.message.contains(key) == true, "\(key)")
        }
    }

    @Test func notAnNpzFile() throws {
        // NumPy's own error, which already starts with the path.
        let url = Fixtures.url("float32.pb")
        #expect {
            _ = try IOBundle.read(from: url, for: try Fixtures.cnnGraph())
        } throws: { error in
            "\(error)".hasPrefix(url.path)
        }
    }
}
