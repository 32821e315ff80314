import Foundation
import Testing
import ONNX
@testable import Interpreter

/// The Text family on small string tensors.
@Suite struct TextTests {
    private func strings(_ shape: [Int], _ values: [String]) -> TensorValue { TensorValue(shape: shape, values: values) }
    private func string(_ name: String, _ value: String) -> Attribute { Attribute(name: name, value: .string(Data(value.utf8))) }
    private func run(_ op: String, opset: Int, _ inputs: [TensorValue], outputs: Int = 1,
                     _ attributes: [Attribute] = []) throws -> [TensorValue?] {
        try NodeRunner.run(op, opset: opset, tensors: inputs, outputs: outputs, attributes: attributes)
    }

    @Test func stringConcatBroadcasts() throws {
        let out = try run("StringConcat", opset: 20, [strings([2], ["a", "b"]), strings([1], ["!"])])
        #expect(out[0] == strings([2], ["a!", "b!"]))
    }

    @Test func stringSplitKeepsEmptyPiecesOnlyWithADelimiter() throws {
        let x = strings([2], ["a,,b", " x  y "])
        let comma = try run("StringSplit", opset: 20, [x], outputs: 2, [string("delimiter", ",")])
        #expect(comma[0] == strings([2, 3], ["a", "", "b", " x  y ", "", ""]))
        #expect(comma[1] == TensorValue(shape: [2], values: [Int64(3), 1]))
        let spaces = try run("StringSplit", opset: 20, [x], outputs: 2)
        #expect(spaces[0] == strings([2, 2], ["a,,b", "", "x", "y"]))
        #expect(spaces[1] == TensorValue(shape: [2], values: [Int64(1), 2]))
    }

    @Test func regexFullMatchSpansTheWholeString() throws {
        // "a|ab" finds "a" first in "ab", but a full match of "ab" exists.
        let out = try run("RegexFullMatch", opset: 20, [strings([3], ["ab", "a", "abc"])], [string("pattern", "a|ab")])
        #expect(out[0] == TensorValue(shape: [3], values: [true, true, false]))
        #expect(throws: KernelError.self) { try run("RegexFullMatch", opset: 20, [strings([1], ["a"])], [string("pattern", "(")]) }
    }

    @Test func stringNormalizerDropsStopwordsIgnoringCase() throws {
        let attributes = [Attribute(name: "stopwords", value: .strings([Data("monday".utf8)])), string("case_change_action", "UPPER")]
        let out = try run("StringNormalizer", opset: 10, [strings([1, 3], ["Monday", "tue", "MONDAY"])], attributes)
        #expect(out[0] == strings([1, 1], ["TUE"]))
        #expect(throws: KernelError.self) { try run("StringNormalizer", opset: 10, [strings([2, 2], ["a", "b", "c", "d"])]) }
    }

    @Test func tfIdfCountsUnigramsAndBigrams() throws {
        // Pool: unigram 5 (column 0), bigram (5, 6) (column 1). In [5, 6, 5]: 5 twice, (5, 6) once.
        var attributes = [
            Attribute(name: "ngram_counts", value: .ints([0, 1])), Attribute(name: "ngram_indexes", value: .ints([0, 1])),
            Attribute(name: "pool_int64s", value: .ints([5, 5, 6])), Attribute(name: "min_gram_length", value: .int(1)),
            Attribute(name: "max_gram_length", value: .int(2)), Attribute(name: "max_skip_count", value: .int(0)),
        ]
        let x = TensorValue(shape: [3], values: [Int64(5), 6, 5])
        let tf = try run("TfIdfVectorizer", opset: 9, [x], attributes + [string("mode", "TF")])
        #expect(tf[0]?.floats() == [2, 1])
        attributes.append(Attribute(name: "weights", value: .floats([0.5, 2])))
        let idf = try run("TfIdfVectorizer", opset: 9, [x], attributes + [string("mode", "IDF")])
        #expect(idf[0]?.floats() == [0.5, 2])
        #expect(throws: KernelError.self) { try run("TfIdfVectorizer", opset: 9, [x], attributes + [string("mode", "BM25")]) }
    }
}
