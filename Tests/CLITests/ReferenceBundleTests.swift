import Foundation
import NumPy
import Testing

/// `--reference` bundles that cannot prove parity, made from Keras's own recording of the channels_first
/// fixture (three inputs, four outputs). None may pass without comparing: each is one error line naming
/// the bundle, exit 2, and the output model that was already there is left as it was. A bundle whose
/// numbers are off is a parity failure (exit 1) that still writes the model, with every output printed.
@Suite struct ReferenceBundleTests {
    static let keras = Fixtures.packageRoot.appendingPathComponent("testdata/keras")
    static let model = keras.appendingPathComponent("k2/channels_first.h5")
    static let recording = keras.appendingPathComponent("k2/channels_first.io.npz")

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// The bundle's bytes, from the recorded entries (nil: no bundle file at all).
        var bundle: @Sendable ([NpzArchive.Entry]) throws -> Data?
        var exitCode: Int32
        /// What the one error line must say.
        var says: String

        var testDescription: String { label }
    }

    static func entries(_ transform: @escaping @Sendable ([NpzArchive.Entry]) throws -> [NpzArchive.Entry]) -> @Sendable ([NpzArchive.Entry]) throws -> Data? {
        { try NpzArchive.encode(try transform($0).map { ($0.name, $0.array) }, compressed: false) }
    }

    static func doubled(_ array: NpyArray) -> NpyArray {
        NpyArray(scalars: (array.floats() ?? []).map(Double.init), shape: array.shape)
    }

    static func scaled(_ array: NpyArray, by factor: Float) -> NpyArray {
        NpyArray(floats: (array.floats() ?? []).map { $0 * factor }, shape: array.shape)
    }

    static let cases: [Case] = [
        Case(label: "inputs only, no outputs", bundle: entries { $0.filter { $0.name.hasPrefix("input_") } },
             exitCode: 2, says: "holds no recorded outputs, so nothing could be compared"),
        Case(label: "only output_1 recorded", bundle: entries { $0.filter { $0.name != "output_0" && $0.name != "output_2" && $0.name != "output_3" } },
             exitCode: 2, says: "no recorded value for outputs"),
        Case(label: "output_0 and output_1 swapped",
             bundle: entries { entries in
                 entries.map { entry in
                     switch entry.name {
                     case "output_0": return ("output_1", entry.array)
                     case "output_1": return ("output_0", entry.array)
                     default: return entry
                     }
                 }
             },
             exitCode: 2, says: "the recorded value has shape"),
        Case(label: "an output recorded as float64",
             bundle: entries { $0.map { $0.name == "output_3" ? ($0.name, doubled($0.array)) : $0 } },
             exitCode: 2, says: "is declared float32, the recorded value is float64"),
        Case(label: "an unknown key", bundle: entries { $0 + [("logits", NpyArray(floats: [1, 2]))] },
             exitCode: 2, says: "unknown key(s) logits"),
        Case(label: "no bundle file", bundle: { _ in nil }, exitCode: 2, says: "no such file"),
        Case(label: "a truncated bundle", bundle: { entries in
                 let data = try NpzArchive.encode(entries.map { ($0.name, $0.array) }, compressed: true)
                 return data.prefix(data.count / 2)
             }, exitCode: 2, says: "not a zip archive"),
        Case(label: "an output off by 1 %",
             bundle: entries { $0.map { $0.name == "output_1" ? ($0.name, scaled($0.array, by: 1.01)) : $0 } },
             exitCode: 1, says: "1 of 4 outputs off by more than the tolerance"),
    ]

    @Test("keras --reference: a bundle that cannot prove parity is an error before anything is written", arguments: cases)
    func kerasReference(_ testCase: Case) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = folder.appendingPathComponent("reference.io.npz")
        if let bytes = try testCase.bundle(try NpzArchive.read(from: Self.recording)) { try bytes.write(to: bundle) }
        let output = folder.appendingPathComponent("out.onnx")
        let previous = Data("an earlier output".utf8)
        try previous.write(to: output)

        let result = try CLI.run(["keras", Self.model.path, "-o", output.path, "--reference", bundle.path])
        #expect(result.exited(testCase.exitCode), "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.hasPrefix("error: \(bundle.path): "), "\(result)")
        #expect(result.stderr.contains(testCase.says), "\(result)")
        #expect(Fixtures.contents(of: folder).allSatisfy { !$0.hasSuffix(".tmp") }, "\(result)")
        if testCase.exitCode == 1 {
            // A parity failure still writes the model, and prints every output it compared.
            #expect(try Data(contentsOf: output) != previous)
            #expect(result.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("parity ") }.count == 4, "\(result)")
        } else {
            #expect(try Data(contentsOf: output) == previous, "\(result)")
        }
    }

    @Test("parity: a converted model against Keras's recording, every output printed")
    func parityCommand() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("channels_first.onnx")
        #expect(try CLI.run(["keras", Self.model.path, "-o", output.path]).exited(0))

        let result = try CLI.run(["parity", output.path, Self.recording.path])
        #expect(result.exited(0), "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("parity ") }
        #expect(lines.count == 4, "\(result)")
        #expect(lines.contains { $0.hasPrefix("parity ") && $0.contains("[2, 5] (10 values): max |error| / max |reference| = ") }, "\(result)")

        let inputsOnly = folder.appendingPathComponent("inputs.io.npz")
        let entries = try NpzArchive.read(from: Self.recording).filter { $0.name.hasPrefix("input_") }
        try NpzArchive.write(entries.map { ($0.name, $0.array) }, to: inputsOnly, compressed: false)
        let vacuous = try CLI.run(["parity", output.path, inputsOnly.path])
        #expect(vacuous.exited(2), "\(vacuous)")
        #expect(vacuous.stderrLines.count == 1 && vacuous.stderr.contains("holds no recorded outputs"), "\(vacuous)")
    }
}
