import Foundation
import Limits
import Testing
@testable import KerasFrontend

/// Hostile configs: a real fixture's architecture (testdata/keras/k3/cnn.json, with its weights) with one
/// number changed or one layer added, converted under a fixed 1 GiB memory budget. Each must be refused
/// with exactly this one line naming the layer, before any node of it is built — never a trap, never a
/// model written. Kept as one table (`cases`) so that other frontends can copy the pattern.
@Suite struct KerasHostileConfigTests {
    enum Mutation: Sendable {
        /// Sets option `key` of the layer named `layer`.
        case set(layer: String, key: String, JSONValue)
        /// Adds a layer (no weights) of `className` with `options` after the layer named `after`.
        case insert(after: String, className: String, name: String, options: [String: JSONValue])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var what: String
        var mutation: Mutation
        var error: String
        var testDescription: String { what }
    }

    static let fixture = KerasFixtureTests.root.appendingPathComponent("k3")
    static let budget = MemoryBudget(bytes: 1 << 30)
    static let big = 4_611_686_018_427_387_904.0   // 2^62

    static let cases: [Case] = [
        Case(what: "Permute dims not a permutation",
             mutation: .insert(after: "re_lu", className: "Permute", name: "permute", options: ["dims": [1, 2, 4]]),
             error: "layer Permute 'permute': option 'dims' is [1, 2, 4], not a permutation of the axes 1…3 of the input"),
        Case(what: "Permute with a repeated axis",
             mutation: .insert(after: "re_lu", className: "Permute", name: "permute", options: ["dims": [1, 1, 2]]),
             error: "layer Permute 'permute': option 'dims' is [1, 1, 2], not a permutation of the axes 1…3 of the input"),
        Case(what: "Reshape target whose product overflows",
             mutation: .insert(after: "re_lu", className: "Reshape", name: "reshape",
                               options: ["target_shape": [2_147_483_647, 2_147_483_647, 2_147_483_647]]),
             error: "layer Reshape 'reshape': target_shape 2147483647 × 2147483647 × 2147483647 is too large"),
        Case(what: "Reshape target beyond 2^31",
             mutation: .insert(after: "re_lu", className: "Reshape", name: "reshape", options: ["target_shape": [-1, .number(big)]]),
             error: "layer Reshape 'reshape': option 'target_shape' is too large, got 4611686018427387904"),
        Case(what: "Reshape target beyond 2^31 with a -1",
             mutation: .insert(after: "re_lu", className: "Reshape", name: "reshape", options: ["target_shape": [-1, 4_294_967_296]]),
             error: "layer Reshape 'reshape': option 'target_shape' is [-1, 4294967296]; each size must be -1 or 1…2147483647, with at most one -1"),
        Case(what: "Reshape target that does not hold the input",
             mutation: .insert(after: "re_lu", className: "Reshape", name: "reshape", options: ["target_shape": [7, -1]]),
             error: "layer Reshape 'reshape': option 'target_shape' is [7, -1], which does not hold the input's 108 values per sample"),
        Case(what: "Flatten of an input whose sizes overflow",
             mutation: .set(layer: "image", key: "batch_shape", [.null, 4_294_967_296, 4_294_967_296, 3]),
             error: "layer InputLayer 'image': input shape (None, 4294967296, 4294967296, 3) is over the memory budget of 1.0 GiB (--max-memory) at float32"),
        Case(what: "Conv2D strides 0",
             mutation: .set(layer: "conv2d", key: "strides", [0, 0]),
             error: "layer Conv2D 'conv2d': option 'strides' must be positive integers, got [0, 0]"),
        Case(what: "MaxPooling2D strides 0",
             mutation: .set(layer: "max_pooling2d", key: "strides", [0, 2]),
             error: "layer MaxPooling2D 'max_pooling2d': option 'strides' must be positive integers, got [0, 2]"),
        Case(what: "Softmax axis beyond the rank",
             mutation: .insert(after: "re_lu", className: "Softmax", name: "softmax", options: ["axis": 4]),
             error: "layer Softmax 'softmax': option 'axis' is 4, which is not an axis of a rank-4 input"),
        Case(what: "negative ZeroPadding",
             mutation: .set(layer: "zero_padding2d", key: "padding", [[1, -1], [1, 1]]),
             error: "layer ZeroPadding2D 'zero_padding2d': option 'padding' must be non-negative integers up to 2147483647, got [[1, -1], [1, 1]]"),
        Case(what: "RepeatVector negative count",
             mutation: .insert(after: "global_average_pooling2d", className: "RepeatVector", name: "repeat_vector", options: ["n": -1]),
             error: "layer RepeatVector 'repeat_vector': option 'n' must be a positive integer, got -1"),
        Case(what: "RepeatVector count 2^46",
             mutation: .insert(after: "global_average_pooling2d", className: "RepeatVector", name: "repeat_vector",
                               options: ["n": 70_368_744_177_664]),
             error: "layer RepeatVector 'repeat_vector': option 'n' must be at most 2147483647, got 70368744177664"),
        Case(what: "RepeatVector output over the memory budget",
             mutation: .insert(after: "global_average_pooling2d", className: "RepeatVector", name: "repeat_vector",
                               options: ["n": 2_147_483_647]),
             error: "layer RepeatVector 'repeat_vector': output shape [?, 2147483647, 12] is over the memory budget of 1.0 GiB (--max-memory) at float32"),
        Case(what: "negative input dim",
             mutation: .set(layer: "image", key: "batch_shape", [.null, -5, 16, 3]),
             error: "layer InputLayer 'image': batch_shape [null, -5, 16, 3] has the size -5, not a positive integer or null"),
        Case(what: "input dim 2^40",
             mutation: .set(layer: "image", key: "batch_shape", [.null, 1_099_511_627_776, 16, 3]),
             error: "layer InputLayer 'image': input shape (None, 1099511627776, 16, 3) is over the memory budget of 1.0 GiB (--max-memory) at float32"),
        Case(what: "input dim 1e300",
             mutation: .set(layer: "image", key: "batch_shape", [.null, 1e300, 16, 3]),
             error: "layer InputLayer 'image': batch_shape [null, 1e+300, 16, 3] has the size 1e+300, not a positive integer or null"),
        Case(what: "dilation 0",
             mutation: .set(layer: "conv2d", key: "dilation_rate", [0, 1]),
             error: "layer Conv2D 'conv2d': option 'dilation_rate' must be positive integers, got [0, 1]"),
        Case(what: "pool size 0",
             mutation: .set(layer: "max_pooling2d", key: "pool_size", [0, 2]),
             error: "layer MaxPooling2D 'max_pooling2d': option 'pool_size' must be positive integers, got [0, 2]"),
        Case(what: "BatchNormalization axis 2^62",
             mutation: .set(layer: "batch_normalization", key: "axis", .number(big)),
             error: "layer BatchNormalization 'batch_normalization': option 'axis' is too large, got 4611686018427387904"),
        Case(what: "BatchNormalization axis beyond the rank",
             mutation: .set(layer: "batch_normalization", key: "axis", 7),
             error: "layer BatchNormalization 'batch_normalization': option 'axis' is 7, which is not an axis of a rank-4 input other than the batch axis"),
        Case(what: "NaN epsilon",
             mutation: .set(layer: "batch_normalization", key: "epsilon", .number(.nan)),
             error: "layer BatchNormalization 'batch_normalization': option 'epsilon' must be a finite number, got NaN"),
        Case(what: "negative epsilon",
             mutation: .set(layer: "batch_normalization", key: "epsilon", -0.001),
             error: "layer BatchNormalization 'batch_normalization': option 'epsilon' must be a number ≥ 0, got -0.001"),
        Case(what: "Dense units 1e300",
             mutation: .set(layer: "dense", key: "units", 1e300),
             error: "layer Dense 'dense': option 'units' is too large, got 1e+300"),
        Case(what: "Conv2D strides 4.6e18",
             mutation: .set(layer: "conv2d_1", key: "strides", 4.6e18),
             error: "layer Conv2D 'conv2d_1': option 'strides' is too large, got 4600000000000000000"),
        Case(what: "Conv2D kernel_size NaN",
             mutation: .set(layer: "conv2d", key: "kernel_size", .number(.nan)),
             error: "layer Conv2D 'conv2d': option 'kernel_size' must be an integer, got NaN"),
        Case(what: "Conv2D filters 0",
             mutation: .set(layer: "conv2d", key: "filters", 0),
             error: "layer Conv2D 'conv2d': option 'filters' must be a positive integer, got 0"),
        Case(what: "Rescaling with a per-channel scale of the wrong length",
             mutation: .insert(after: "re_lu", className: "Rescaling", name: "rescaling", options: ["scale": [1, 2, 3], "offset": 0]),
             error: "layer Rescaling 'rescaling': option 'scale' has 3 values for 12 channels"),
        Case(what: "UpSampling2D factor 0",
             mutation: .insert(after: "re_lu", className: "UpSampling2D", name: "up_sampling2d", options: ["size": [0, 2]]),
             error: "layer UpSampling2D 'up_sampling2d': option 'size' must be positive integers, got [0, 2]"),
        Case(what: "Concatenate called on one tensor",
             mutation: .insert(after: "re_lu", className: "Concatenate", name: "concatenate", options: ["axis": -1]),
             error: "layer Concatenate 'concatenate': Concatenate takes 2 or more inputs"),
        Case(what: "DepthwiseConv2D kernel_size of strings",
             mutation: .set(layer: "depthwise_conv2d", key: "kernel_size", ["3", "3"]),
             error: "layer DepthwiseConv2D 'depthwise_conv2d': option 'kernel_size' must be 2 integers, got [\"3\", \"3\"]"),
    ]

    /// The fixture's architecture after `mutation`, converted with its own weights.
    static func convert(_ mutation: Mutation?) throws {
        let json = fixture.appendingPathComponent("cnn.json")
        let file = try KerasModelFile.load(model: json.path, weights: fixture.appendingPathComponent("cnn.weights.h5").path)
        var config = try JSONValue.parse(try Data(contentsOf: json))
        if let mutation { config = try apply(mutation, to: config) }
        let model = try KerasModel.parse(config)
        try MemoryBudget.$current.withValue(budget) {
            _ = try KerasImporter.convert(model, weights: file.weights)
        }
    }

    @Test func theUnchangedFixtureConverts() throws {
        try Self.convert(nil)
    }

    @Test(arguments: cases)
    func refusedInOneLineNamingTheLayer(_ c: Case) throws {
        do {
            try Self.convert(c.mutation)
            Issue.record("converted; expected: \(c.error)")
        } catch let error as KerasError {
            #expect("\(error)" == c.error)
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func numbersAreQuotedAsJSON() {
        let value: JSONValue = ["a": [1, -2.5, .number(.nan), .number(-.infinity), 4.6e18, 1e300], "b": "x\"y", "c": .null]
        #expect("\(value)" == #"{"a": [1, -2.5, NaN, -Infinity, 4600000000000000000, 1e+300], "b": "x\"y", "c": null}"#)
    }

    /// Input → ReLU → one Add over 20,000 references to it (about 560 KB of JSON): graph building must stay
    /// near-linear in the inbound connections (it took over a minute when node naming was quadratic).
    @Test func addWithTwentyThousandInputs() throws {
        let count = 20_000
        let inbound = [String](repeating: #"["relu", 0, 0, {}]"#, count: count).joined(separator: ", ")
        let text = """
            {"class_name": "Functional", "keras_version": "2.21.0", "config": {"name": "wide", "layers": [
              {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
              {"class_name": "ReLU", "name": "relu", "config": {"name": "relu"}, "inbound_nodes": [[["x", 0, 0, {}]]]},
              {"class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [[\(inbound)]]}],
             "input_layers": [["x", 0, 0]], "output_layers": [["add", 0, 0]]}}
            """
        let model = try KerasModel.parse(try JSONValue.parse(Data(text.utf8)))
        let (onnx, summary) = try KerasImporter.convert(model, weights: NoWeightsAtAll())
        #expect(summary.nodes == count)   // one Relu, count − 1 Adds
        #expect(onnx.graph?.nodes.filter { $0.opType == "Add" }.count == count - 1)
    }

    // MARK: .keras members

    /// A member of k3/cnn.keras (all stored, as Keras writes them) whose central-directory entry declares
    /// another uncompressed size: refused before a byte of it is read.
    struct ZipCase: Sendable, CustomTestStringConvertible {
        var member: String
        var declared: UInt32
        var error: String
        var testDescription: String { "\(member) declaring \(declared) bytes" }
    }

    static let zipCases: [ZipCase] = [
        ZipCase(member: "config.json", declared: 3 << 30,
                error: "not a Keras model config: config.json in the .keras archive declares 3221225472 bytes, more than 64.0 MiB"),
        ZipCase(member: "model.weights.h5", declared: 0xFFFF_FFF0,
                error: "not a Keras model config: model.weights.h5 in the .keras archive declares 4294967280 bytes, more than the memory budget of 1.0 GiB (--max-memory)"),
        ZipCase(member: "metadata.json", declared: 10,
                error: "not a Keras model config: metadata.json in the .keras archive declares 10 bytes from 64 stored, which its compression cannot give"),
    ]

    @Test(arguments: zipCases)
    func zipMemberDeclaringAnotherSize(_ c: ZipCase) throws {
        var bytes = try Data(contentsOf: Self.fixture.appendingPathComponent("cnn.keras"))
        try Self.declare(c.declared, for: c.member, in: &bytes)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keras-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("cnn.keras")
        try bytes.write(to: path)
        do {
            _ = try MemoryBudget.$current.withValue(Self.budget) { try KerasModelFile.load(model: path.path) }
            Issue.record("loaded; expected: \(c.error)")
        } catch let error as KerasError {
            #expect("\(error)" == c.error)
        }
    }

    /// Rewrites the uncompressed size of `member` in the zip's central directory.
    static func declare(_ size: UInt32, for member: String, in zip: inout Data) throws {
        func u16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        let end = try #require((0...(zip.count - 22)).reversed().first { u32($0) == 0x0605_4B50 }, "no end of central directory")
        var at = u32(end + 16)
        for _ in 0..<u16(end + 10) {
            #expect(u32(at) == 0x0201_4B50)
            let nameLength = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32)
            if String(decoding: zip[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self) == member {
                for i in 0..<4 { zip[at + 24 + i] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(i))) }
                return
            }
            at += 46 + nameLength + extra + comment
        }
        Issue.record("no member \(member)")
    }

    // MARK: Mutations

    static func apply(_ mutation: Mutation, to json: JSONValue) throws -> JSONValue {
        guard case .object(var top) = json, case .object(var config)? = top["config"], case .array(var layers)? = config["layers"] else {
            throw KerasError.malformedConfig("the fixture is not a Sequential config")
        }
        func index(of name: String) throws -> Int {
            try #require(layers.firstIndex { $0["config"]?["name"]?.string == name }, "no layer \(name) in the fixture")
        }
        switch mutation {
        case .set(let layer, let key, let value):
            let i = try index(of: layer)
            guard case .object(var entry) = layers[i], case .object(var options)? = entry["config"] else { throw KerasError.malformedConfig(layer) }
            options[key] = value
            entry["config"] = .object(options)
            layers[i] = .object(entry)
        case .insert(let after, let className, let name, let options):
            var all = options
            all["name"] = .string(name)
            layers.insert(.object(["module": "keras.layers", "class_name": .string(className), "config": .object(all)]),
                          at: try index(of: after) + 1)
        }
        config["layers"] = .array(layers)
        top["config"] = .object(config)
        return .object(top)
    }
}

private struct NoWeightsAtAll: KerasWeightSource {
    func weights(for layer: KerasLayer, scope: [String]) throws -> [KerasWeight] { [] }
}
