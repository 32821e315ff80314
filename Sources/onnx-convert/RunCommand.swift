import ArgumentParser
import Foundation
import Interpreter
import NumPy
import ONNX
import TensorIO

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an ONNX model on the reference interpreter.",
        discussion: """
            Inputs come from one .npz bundle, .npy files named after the inputs (or input_K.npy), or \
            input_K.pb files. Without --inputs, seeded random inputs are made from the declared shapes \
            (symbolic dimensions = 1).
            """)

    @Argument(help: "The ONNX model.", completion: .file())
    var model: String

    @Option(name: .long, parsing: .upToNextOption, help: "Inputs: an .npz bundle, .npy files or input_K.pb files.")
    var inputs: [String] = []

    @Option(name: [.short, .customLong("output")], help: "Write the outputs to this .npz file.")
    var output: String?

    @Option(name: .customLong("repeat"), help: "Run this many times and print the median latency.")
    var repeatCount: Int = 1

    @Option(help: "Write every intermediate value as <name>.npy into this folder.")
    var dumpIntermediates: String?

    @Option(help: "Seed for generated inputs.")
    var seed: UInt64 = 0

    @Flag(help: "Print the time spent in each op type and the slowest nodes, averaged over the runs.")
    var profile = false

    @Flag(help: "Run every node on its own, without fusing Relu/Clip into the op before them (same outputs).")
    var noFusion = false

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        guard repeatCount >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() throws {
        if let output { try OutputPath.checkWritable(output, notReplacing: [model] + inputs) }
        try InputPath.checkReadable([model] + inputs)
        AllocatorTuning.keepFreedMemoryForReuse()
        let url = URL(fileURLWithPath: model)
        try memory.scoped { try reportingFailures(file: model) {
            let loaded = try ModelFile.load(url)
            let interpreter: Interpreter
            do {
                interpreter = try Interpreter(model: loaded)
            } catch let error as InterpreterError {
                if case .unsupportedOps = error { throw CLIFailure(.unsupported, "\(model): \(error)") }
                throw error
            }
            let feeds = try inputValues(for: interpreter, graph: loaded.graph)
            var latencies: [Double] = []
            var result: Interpreter.Result?
            let opProfile = profile ? OpProfile() : nil
            for i in 0..<repeatCount {
                let start = DispatchTime.now().uptimeNanoseconds
                result = try interpreter.run(feeds, captureIntermediates: dumpIntermediates != nil && i == 0, profile: opProfile,
                                             fuseActivations: !noFusion)
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            guard let result else { return }
            if let opProfile { printProfile(opProfile) }
            if repeatCount > 1 {
                let sorted = latencies.sorted()
                print(String(format: "median latency: %.3f ms over %d runs (min %.3f ms)", sorted[sorted.count / 2], repeatCount, sorted[0]))
                if let peak = PeakMemory.residentMiB() { print(String(format: "peak memory: %.0f MiB", peak)) }
            }
            try write(result)
        } }
    }

    private func inputValues(for interpreter: Interpreter, graph: Graph?) throws -> [String: RuntimeValue] {
        guard let graph else { return [:] }
        if inputs.isEmpty {
            var generator = RandomInputs(seed: seed)
            let made = try interpreter.inputs.map { ($0.name, try generator.value(for: $0)) }
            // A notice, not an error: stderr stays the one error line when the run then fails.
            print("no --inputs: using seeded random inputs (seed \(seed)) for \(made.map(\.0).joined(separator: ", "))")
            return Dictionary(uniqueKeysWithValues: made.map { ($0.0, RuntimeValue.tensor($0.1)) })
        }
        let tensors = try TensorFiles.readInputs(inputs.map { URL(fileURLWithPath: $0) }, for: graph)
        return Dictionary(uniqueKeysWithValues: try tensors.map { ($0.name, RuntimeValue.tensor(try TensorValue($0))) })
    }

    private func write(_ result: Interpreter.Result) throws {
        if let dumpIntermediates { try dump(result.intermediates, to: dumpIntermediates) }
        let tensors = try result.outputs.map { output -> Tensor in
            guard case .tensor(let tensor) = output.value else {
                throw CLIFailure(.badInput, "\(model): output '\(output.name)' is \(output.value.kindDescription), not a tensor; .npz holds tensors only")
            }
            return tensor.onnxTensor(name: output.name)
        }
        if let output {
            try IOBundle(inputs: [], outputs: tensors).write(to: URL(fileURLWithPath: output))
        }
        for tensor in tensors {
            print("\(tensor.name): \(tensor.dataType.map(\.description) ?? "?")\(tensor.dims)")
        }
    }

    /// Writes each captured tensor as <name>.npy. NumPy has no bfloat16: those are widened to float32,
    /// which is exact, and said so. Every array is converted before the first file is written, so a value
    /// that cannot be written at all (float8, 4-bit) fails the run without leaving half a folder.
    private func dump(_ intermediates: [String: RuntimeValue], to folder: String) throws {
        var arrays: [(URL, NpyArray)] = []
        var widened: [String] = []
        for (name, value) in intermediates.sorted(by: { $0.key < $1.key }) {
            guard case .tensor(var tensor) = value else { continue }
            if tensor.dataType == .bfloat16, let floats = tensor.floats() {
                tensor = TensorValue(shape: tensor.shape, values: floats)
                widened.append(name)
            }
            let file = URL(fileURLWithPath: folder).appendingPathComponent(Self.fileName(for: name) + ".npy")
            arrays.append((file, try NpyConversion.array(tensor.onnxTensor(name: name), file: file.path)))
        }
        if !widened.isEmpty {
            print("bfloat16 intermediates written as float32 (exact): \(widened.count)")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (file, array) in arrays { try NpyFile.write(array, to: file) }
    }

    /// Two tables: time per op type ("Conv+Relu" for an activation fused into its producer), then the
    /// slowest nodes, both per run.
    private func printProfile(_ profile: OpProfile) {
        let total = max(profile.totalSeconds, 1e-12), runs = Double(repeatCount)
        let entries = profile.entries, nodes = profile.slowestNodes(12)
        let opWidth = max(22, (entries.map(\.opType.count) + nodes.map(\.opType.count)).max() ?? 0)
        print("op type".padding(toLength: opWidth, withPad: " ", startingAt: 0) + "   calls    ms/run       %")
        for entry in entries {
            print(String(format: "%@ %7d %9.3f %7.1f", entry.opType.padding(toLength: opWidth, withPad: " ", startingAt: 0),
                         entry.calls / repeatCount, entry.seconds * 1e3 / runs, entry.seconds / total * 100))
        }
        print("slowest nodes".padding(toLength: 41, withPad: " ", startingAt: 0)
              + "op type".padding(toLength: opWidth, withPad: " ", startingAt: 0) + "    ms/run       %")
        for node in nodes {
            let label = node.label.count > 40 ? "…" + node.label.suffix(39) : node.label
            print(String(format: "%@ %@ %9.3f %7.1f", label.padding(toLength: 40, withPad: " ", startingAt: 0),
                         node.opType.padding(toLength: opWidth, withPad: " ", startingAt: 0),
                         node.seconds * 1e3 / runs, node.seconds / total * 100))
        }
    }

    /// Value names may hold '/' or ':' (framework scopes); file names may not.
    static func fileName(for name: String) -> String {
        String(name.map { $0 == "/" || $0 == ":" || $0 == "\\" ? "_" : $0 })
    }
}
