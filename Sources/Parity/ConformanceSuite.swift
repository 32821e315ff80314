import Foundation
import Interpreter
import ONNX

/// Runs a folder of onnx backend-style cases: `<case>/model.onnx` with `test_data_set_N/input_K.pb` and
/// `output_K.pb`, comparing with the tolerance of onnx's runner.
public struct ConformanceSuite: Sendable {
    public struct CaseResult: Sendable {
        public var name: String
        /// The op the case tests: the op of a single-node model, else "(several ops)".
        public var op: String
        public var failure: String?
        public var passed: Bool { failure == nil }
    }

    public let directory: URL
    public let tolerance: Tolerance
    public let registry: KernelRegistry

    public init(directory: URL, tolerance: Tolerance = Tolerance(), registry: KernelRegistry = .standard) {
        self.directory = directory
        self.tolerance = tolerance
        self.registry = registry
    }

    /// Case folders (those holding a model.onnx), sorted, optionally filtered by a regular expression.
    public func caseNames(matching filter: String?) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).appendingPathComponent("model.onnx").path)
        }.sorted()
        guard let filter else { return names }
        let regex = try Regex(filter)
        return names.filter { $0.contains(regex) }
    }

    public func run(_ name: String) -> CaseResult {
        let folder = directory.appendingPathComponent(name)
        var result = CaseResult(name: name, op: "?", failure: nil)
        do {
            let model = try ModelFile.load(folder.appendingPathComponent("model.onnx"))
            if let nodes = model.graph?.nodes { result.op = nodes.count == 1 ? nodes[0].opType : "(several ops)" }
            let interpreter = try Interpreter(model: model, registry: registry)
            for dataSet in try dataSets(in: folder) {
                if let failure = try check(interpreter, dataSet: dataSet) {
                    result.failure = "\(dataSet.lastPathComponent): \(failure)"
                    break
                }
            }
        } catch {
            result.failure = "\(error)"
        }
        return result
    }

    private func dataSets(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("test_data_set_") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    /// nil when every output matches, else why not.
    private func check(_ interpreter: Interpreter, dataSet: URL) throws -> String? {
        var inputs: [String: RuntimeValue] = [:]
        for (k, declared) in interpreter.inputs.enumerated() {
            let file = dataSet.appendingPathComponent("input_\(k).pb")
            // Trailing optional inputs may have no file.
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            inputs[declared.name] = try DataFiles.read(file, as: declared.type)
        }
        let outputs = try interpreter.run(inputs).outputs
        for (k, declared) in interpreter.outputs.enumerated() {
            let file = dataSet.appendingPathComponent("output_\(k).pb")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let expected = try DataFiles.read(file, as: declared.type)
            let comparison = ValueComparison.compare(outputs[k].value, expected, tolerance: tolerance)
            if let mismatch = comparison.mismatch { return "output '\(declared.name)': \(mismatch)" }
        }
        return nil
    }
}
