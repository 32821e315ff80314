import Foundation
import CHDF5
import Testing
@testable import HDF5

@Suite struct HDF5DatasetTests {
    @Test func shapesAndElementTypes() throws {
        try SampleFile.withOpen { file throws in
            let expected: [(String, [Int], HDF5ElementType)] = [
                ("model_weights/dense/dense/kernel:0", [3, 4], .float32),
                ("model_weights/dense/dense/bias:0", [4], .float64),
                ("data/int8", [5], .int(bits: 8, signed: true)),
                ("data/int64_be", [2, 2], .int(bits: 64, signed: true)),
                ("data/scalar", [], .float32),
                ("data/half", [4], .float16),
                ("data/flags", [3], .bool),
                ("data/words", [4], .string),
                ("data/variable_words", [3], .string),
            ]
            for (name, shape, type) in expected {
                let dataset = try file.root.dataset(name)
                #expect(dataset.shape == shape, "\(name)")
                #expect(dataset.elementType == type, "\(name)")
            }
        }
    }

    @Test func chunkedCompressedFloatsReadBack() throws {
        try SampleFile.withOpen { file throws in
            #expect(try file.root.dataset("model_weights/dense/dense/kernel:0").readFloats() == SampleFile.kernel)
            #expect(try file.root.dataset("data/big").readFloats() == SampleFile.big)
            #expect(try file.root.dataset("data/big").readDoubles() == SampleFile.big.map { Double($0) })
        }
    }

    /// The bytes read for ONNX raw_data are the float32 values, whatever the stored type.
    @Test func floatDataHoldsTheFloat32Values() throws {
        try SampleFile.withOpen { file throws in
            for name in ["model_weights/dense/dense/kernel:0", "data/big", "model_weights/dense/dense/bias:0", "data/int8",
                         "data/scalar", "data/flags"] {
                let dataset = try file.root.dataset(name)
                let data = try dataset.readFloatData()
                let floats = data.withUnsafeBytes { raw in (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
                #expect(floats == (try dataset.readFloats()), "\(name)")
            }
            #expect(throws: HDF5Error.self) { try file.root.dataset("data/words").readFloatData() }
        }
    }

    @Test func doublesKeepFullPrecision() throws {
        try SampleFile.withOpen { file throws in
            let bias = try file.root.dataset("model_weights/dense/dense/bias:0")
            #expect(try bias.readDoubles() == SampleFile.bias)
            // Converting to float32 is libhdf5's job, including its overflow to infinity.
            #expect(try bias.readFloats() == SampleFile.bias.map { Float($0) })
        }
    }

    @Test func integersConvertToEveryTarget() throws {
        try SampleFile.withOpen { file throws in
            let int8 = try file.root.dataset("data/int8")
            #expect(try int8.readInt64s() == SampleFile.int8s.map { Int64($0) })
            #expect(try int8.readFloats() == SampleFile.int8s.map { Float($0) })
            #expect(try int8.readDoubles() == SampleFile.int8s.map { Double($0) })
            #expect(try file.root.dataset("data/int64_be").readInt64s() == SampleFile.int64s)
        }
    }

    @Test func scalarDatasetReadsOneValue() throws {
        try SampleFile.withOpen { file throws in
            let scalar = try file.root.dataset("data/scalar")
            #expect(try scalar.readFloats() == [3.25])
            #expect(try scalar.readInt64s() == [3])
        }
    }

    @Test func halfFloatsConvert() throws {
        try SampleFile.withOpen { file throws in
            #expect(try file.root.dataset("data/half").readFloats() == SampleFile.halves)
        }
    }

    @Test func boolsReadAsZeroAndOne() throws {
        try SampleFile.withOpen { file throws in
            let flags = try file.root.dataset("data/flags")
            #expect(try flags.readInt64s() == [1, 0, 1])
            #expect(try flags.readFloats() == [1, 0, 1])
        }
    }

    @Test func fixedAndVariableLengthStrings() throws {
        try SampleFile.withOpen { file throws in
            #expect(try file.root.dataset("data/words").readStrings() == SampleFile.words)
            #expect(try file.root.dataset("data/variable_words").readStrings() == SampleFile.variableWords)
        }
    }

    @Test func stringsAreNotNumbersAndNumbersNotStrings() throws {
        try SampleFile.withOpen { file throws in
            let words = try file.root.dataset("data/words")
            let asNumbers = try #require(throws: HDF5Error.self) { try words.readFloats() }
            #expect(asNumbers.description == "\(file.path): /data/words: holds strings, not numbers")
            let asStrings = try #require(throws: HDF5Error.self) { try file.root.dataset("data/int8").readStrings() }
            #expect(asStrings.description == "\(file.path): /data/int8: does not hold strings")
        }
    }

    @Test func datasetAttributes() throws {
        try SampleFile.withOpen { file throws in
            let half = try file.root.dataset("data/half")
            #expect(try half.attributeNames() == ["scale"])
            #expect(try half.attribute("scale") == .floats([0.5], shape: []))
            #expect(try half.attribute("absent") == nil)
            #expect(try file.root.dataset("data/words").attribute("note") == .strings(["a"]))
        }
    }

    @Test func shapeLargerThanTheFileIsAnError() throws {
        let path = try SampleFile.create()
        defer { SampleFile.remove(path) }
        try HDF5FixtureWriter(path: path).unwritten("/plain", fileType: chdf5_t_native_double(), shape: [1000, 1000])
        let dataset = try HDF5File(path: path).root.dataset("plain")
        #expect(dataset.shape == [1000, 1000])
        let error = try #require(throws: HDF5Error.self) { try dataset.readDoubles() }
        #expect(error.object == "/plain")
        #expect(error.message.contains("more than the file can hold"))
    }

    @Test func elementCountOverflowIsAnError() throws {
        let path = try SampleFile.create()
        defer { SampleFile.remove(path) }
        do {
            let writer = try HDF5FixtureWriter(path: path)
            try writer.unwritten("/huge", fileType: chdf5_t_native_float(), shape: [1 << 40, 1 << 40], chunks: [1, 1024])
            try writer.unwritten("/vast", fileType: chdf5_t_native_float(), shape: [1 << 20, 1 << 20], chunks: [1, 1024])
        }
        let file = try HDF5File(path: path)
        // Such a shape has no element count, so the dataset is refused as soon as it is opened.
        #expect(file.root.memberKind("huge") == .dataset)
        let overflow = try #require(throws: HDF5Error.self) { try file.root.dataset("huge") }
        #expect(overflow.object == "/huge")
        #expect(overflow.message.contains("more elements than fit in memory"))
        let tooBig = try #require(throws: HDF5Error.self) { try file.root.dataset("vast").readFloats() }
        #expect(tooBig.message.contains("more than the file can hold"))
    }

    @Test func emptyDatasetReadsAsEmpty() throws {
        let path = try SampleFile.create()
        defer { SampleFile.remove(path) }
        try HDF5FixtureWriter(path: path).numbers(
            .dataset("/empty"), [Float](), shape: [0, 3], memoryType: chdf5_t_native_float(),
            fileType: chdf5_t_native_float())
        let dataset = try HDF5File(path: path).root.dataset("empty")
        #expect(dataset.shape == [0, 3])
        #expect(try dataset.readFloats() == [])
    }
}
