import Foundation
import Testing
@testable import NumPy

/// Damaged, hostile or unsupported `.npy` input must end in a `NumPyError` that says what is wrong —
/// never a trap.
@Suite struct NpyFileMalformedInputTests {
    private func reason(decoding data: Data, source: String = "x.npy") -> NumPyError.Reason? {
        do {
            _ = try NpyFile.decode(data, source: source)
            return nil
        } catch {
            return error.reason
        }
    }

    /// A header for `dict`, framed as numpy frames it, followed by `data`.
    private func file(dict: String, data: Data = Data()) -> Data {
        var bytes = Data(NpyHeader.magic + [1, 0])
        let text = Array(dict.utf8) + [0x0a]
        bytes.append(contentsOf: [UInt8(text.count & 0xff), UInt8(text.count >> 8)])
        bytes.append(contentsOf: text)
        return bytes + data
    }

    @Test func everyPrefixOfAFileIsReportedAsTruncated() throws {
        let whole = try Fixtures.bytes("dtype_int8.npy")  // 128-byte header, 24 data bytes
        let dataOffset = whole.count - 24
        for length in 0..<whole.count {
            let expected: NumPyError.Reason = length < dataOffset
                ? .truncatedHeader(expected: length < 10 ? 10 : dataOffset, got: length)
                : .truncatedData(expected: 24, got: length - dataOffset)
            #expect(reason(decoding: whole.prefix(length)) == expected, "prefix of \(length) bytes")
        }
        #expect(reason(decoding: whole) == nil)
    }

    @Test func everyPrefixOfAVersion3FileIsReportedAsTruncated() throws {
        let whole = try Fixtures.bytes("version3_i8.npy")
        for length in 0..<whole.count {
            switch reason(decoding: whole.prefix(length)) {
            case .truncatedHeader, .truncatedData: continue
            case let other: Issue.record("prefix of \(length) bytes gave \(String(describing: other))")
            }
        }
    }

    @Test func randomBytesAreRejected() {
        var random = SeededGenerator(state: 1)
        for _ in 0..<2000 {
            let data = random.bytes(Int.random(in: 0...300, using: &random))
            guard data.first == 0x93 else {
                #expect(reason(decoding: data) == (data.isEmpty ? .truncatedHeader(expected: 10, got: 0) : .badMagic))
                continue
            }
            #expect(reason(decoding: data) != nil)
        }
    }

    /// Random header text drawn from the characters a header dict uses reaches deep into the parser.
    @Test func randomHeaderTextNeverTraps() {
        var random = SeededGenerator(state: 2)
        let alphabet = Array("{}()[],:'\" \n-+0123456789LTrueFalseNonedescrshapefortran_order<f4|b1")
        for _ in 0..<3000 {
            let length = Int.random(in: 0...80, using: &random)
            let text = String((0..<length).compactMap { _ in alphabet.randomElement(using: &random) })
            _ = reason(decoding: file(dict: text, data: random.bytes(64)))
        }
    }

    /// Flipping bytes anywhere in valid files must give an array or an error, never a trap.
    @Test func corruptedFixturesNeverTrap() throws {
        var random = SeededGenerator(state: 3)
        for name in ["dtype_float32.npy", "fortran_i2.npy", "big_endian_c8.npy", "version2_f4.npy"] {
            let original = try Fixtures.bytes(name)
            for _ in 0..<500 {
                var damaged = original
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let at = Int.random(in: 0..<min(damaged.count, 140), using: &random)
                    damaged[at] = UInt8.random(in: 0...255, using: &random)
                }
                _ = reason(decoding: damaged)
            }
        }
    }

    @Test func badMagicAndUnknownVersionAreNamed() {
        #expect(reason(decoding: Data("PK\u{3}\u{4}rest of a zip".utf8)) == .badMagic)
        #expect(reason(decoding: Data(NpyHeader.magic + [4, 0, 0, 0])) == .unsupportedVersion(major: 4, minor: 0))
        #expect(reason(decoding: Data(NpyHeader.magic + [1, 1, 0, 0])) == .unsupportedVersion(major: 1, minor: 1))
    }

    @Test func unsupportedDTypeErrorsSayWhichAndWhatIsSupported() throws {
        #expect(reason(decoding: try Fixtures.bytes("unsupported_unicode.npy")) == .unsupportedDType("<U3"))
        #expect(reason(decoding: try Fixtures.bytes("unsupported_structured.npy"))
                == .unsupportedDType("[('x', '<i4'), ('y', '<f4')]"))
        for descr in ["|O", "|S5", "<M8[ns]", "<V8", "<f3", "<i16", "f", ""] {
            let header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }"
            #expect(reason(decoding: file(dict: header, data: Data(count: 16))) == .unsupportedDType(descr))
        }
        let message = NumPyError(source: "u.npy", reason: .unsupportedDType("<U3")).description
        #expect(message.hasPrefix("u.npy: unsupported dtype '<U3' (supported: b1 i1 i2 i4 i8 u1"))
    }

    @Test(arguments: [
        "['descr', 'fortran_order', 'shape']",
        "{'descr': '<f4', 'fortran_order': False}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': ('1',)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
        "{'descr: '<f4', 'fortran_order': False, 'shape': (1,)}",
        "{1: '<f4'}",
        "",
        "((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))",
    ])
    func malformedHeaderDictsAreRejected(dict: String) {
        guard case .malformedHeader(let detail) = reason(decoding: file(dict: dict, data: Data(count: 64))) else {
            Issue.record("\(dict.prefix(60)) was not reported as a malformed header")
            return
        }
        #expect(!detail.isEmpty)
    }

    @Test func acceptsHeaderVariantsNumPyAccepts() throws {
        // Python 2 `L` suffixes, double quotes, no trailing comma, nested parentheses around an int.
        let header = #"{"descr": "<i2", "fortran_order": False, "shape": (2L, (3))}"#
        let array = try NpyFile.decode(file(dict: header, data: Data(count: 12)), source: "py2.npy")
        #expect(array.shape == [2, 3] && array.dtype == .int16)
    }

    @Test func errorDescriptionIsOneLineNamingTheFile() throws {
        let whole = try Fixtures.bytes("dtype_int8.npy")
        do {
            _ = try NpyFile.decode(whole.prefix(138), source: "model/weights.npy")
            Issue.record("truncated file decoded")
        } catch {
            #expect(error.description == "model/weights.npy: truncated data: expected 24 bytes, got 10")
        }
        let multiLine = NumPyError(source: "a.npy", reason: .malformedHeader("line one\nline two"))
        #expect(!multiLine.description.contains("\n"))
    }

    @Test func missingFileIsAnIOErrorNamingIt() {
        let url = Fixtures.url("does_not_exist.npy")
        #expect {
            try NpyFile.read(from: url)
        } throws: { error in
            guard let error = error as? NumPyError, case .io = error.reason else { return false }
            return error.source == url.path
        }
    }
}
