import Foundation
import Testing

/// `-o` paths that must not be written: the input itself, a directory, a symbolic link, a device, a
/// missing folder. Each is one error line naming the output, exit 2, before any work, and whatever was
/// at that path (or behind the link) is left as it was.
@Suite struct OutputPathTests {
    static let kerasModel = Fixtures.packageRoot.appendingPathComponent("testdata/keras/k2/cnn.h5")

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// Makes the output path in `folder`, given the input copied there; returns it.
        var output: @Sendable (_ folder: URL, _ input: URL) throws -> String
        var says: String
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "the input itself", output: { _, input in input.path }, says: "the output is the input"),
        Case(label: "a hard link to the input", output: { folder, input in
                 let link = folder.appendingPathComponent("link.onnx")
                 try FileManager.default.linkItem(at: input, to: link)
                 return link.path
             }, says: "the output is the input"),
        Case(label: "a directory", output: { folder, _ in
                 let sub = folder.appendingPathComponent("sub")
                 try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
                 return sub.path
             }, says: "the output is a directory"),
        Case(label: "a symbolic link", output: { folder, _ in
                 let target = folder.appendingPathComponent("target.txt")
                 try Data("keep me".utf8).write(to: target)
                 let link = folder.appendingPathComponent("link.onnx")
                 try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
                 return link.path
             }, says: "the output is a symbolic link"),
        Case(label: "a device", output: { _, _ in "/dev/null" }, says: "not a regular file"),
        Case(label: "a missing folder", output: { folder, _ in folder.appendingPathComponent("nowhere/out.onnx").path },
             says: "does not exist"),
    ]

    /// Each command that writes a file, with the input it reads copied into the test folder.
    static let commands: [(name: String, input: URL, arguments: @Sendable (String, String) -> [String])] = [
        ("keras", kerasModel, { input, output in ["keras", input, "-o", output] }),
        ("optimize", Fixtures.model("cnn.onnx"), { input, output in ["optimize", input, "-o", output] }),
        ("run", Fixtures.model("cnn.onnx"), { input, output in ["run", input, "-o", output] }),
    ]

    @Test("an output path that must not be written", arguments: cases)
    func refused(_ testCase: Case) throws {
        for command in Self.commands {
            let folder = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let input = folder.appendingPathComponent("model." + command.input.pathExtension)
            try FileManager.default.copyItem(at: command.input, to: input)
            let original = try Data(contentsOf: input)
            let output = try testCase.output(folder, input)
            let before = Fixtures.contents(of: folder)

            let result = try CLI.run(command.arguments(input.path, output))
            #expect(result.exited(2), "\(command.name): \(result)")
            #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("error: \(output): "), "\(result)")
            #expect(result.stderr.contains(testCase.says), "\(result)")
            #expect(Fixtures.contents(of: folder) == before, "\(result)")
            #expect(try Data(contentsOf: input) == original, "\(result)")
        }
    }
}
