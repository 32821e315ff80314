import Foundation
import Interpreter
import ONNX
import TensorIO

/// A recorded `.io.npz` (a framework's inputs and outputs) checked against a model: the one parity step
/// that the converters' `--reference`, the `parity` command and the tests share.
///
/// It cannot pass without comparing: the bundle is read and fitted to the model's graph before anything
/// runs or is written, and a bundle with no outputs, with an output of the model missing, or whose
/// recorded outputs cannot be the model's (element type, rank, fixed sizes) is a `ReferenceError`. Outputs
/// are matched by name (positional `output_K` keys are named after the K-th graph output by `IOBundle`), so
/// a bundle holding only `output_1` is compared with output 1, never output 0.
public struct ReferenceCheck: Sendable {
    /// The bundle's path, as the user gave it.
    public let file: String
    public let bundle: IOBundle
    /// Largest allowed max |error| / max |reference| per output.
    public let tolerance: Double
    /// Who recorded the outputs ("keras"), as parity lines print it: `max |error| / max |keras|`.
    public let recordedBy: String

    /// Reads the bundle and checks that it fits `graph`: every input has a value, every output has a
    /// recorded value of the declared element type and a shape the declaration allows.
    public init(reading url: URL, for graph: Graph, tolerance: Double, recordedBy: String = "reference") throws {
        file = url.path
        bundle = try IOBundle.read(from: url, for: graph)
        self.tolerance = tolerance
        self.recordedBy = recordedBy
        try checkFits(graph)
    }

    /// A check of an already resolved bundle (for tests and callers that built one).
    public init(bundle: IOBundle, file: String, for graph: Graph, tolerance: Double, recordedBy: String = "reference") throws {
        self.file = file
        self.bundle = bundle
        self.tolerance = tolerance
        self.recordedBy = recordedBy
        try checkFits(graph)
    }

    private func checkFits(_ graph: Graph) throws {
        let outputNames = graph.outputs.map(\.name)
        guard !bundle.outputs.isEmpty else {
            throw ReferenceError(file: file, "holds no recorded outputs, so nothing could be compared; the model's outputs are "
                                 + outputNames.map { "'\($0)'" }.joined(separator: ", ") + " (keys output_K or the output names)")
        }
        let recorded = Set(bundle.outputs.map(\.name))
        let missing = outputNames.filter { !recorded.contains($0) }
        guard missing.isEmpty else {
            throw ReferenceError(file: file, "no recorded value for output\(missing.count == 1 ? "" : "s") "
                                 + missing.map { "'\($0)'" }.joined(separator: ", ")
                                 + "; it records " + bundle.outputs.map { "'\($0.name)'" }.joined(separator: ", "))
        }
        for output in graph.outputs {
            guard let tensor = bundle.outputs.first(where: { $0.name == output.name }),
                  let (elementType, shape) = output.type?.tensorType else { continue }
            if let elementType, let recordedType = tensor.dataType, recordedType != elementType {
                throw ReferenceError(file: file, "output '\(output.name)' is declared \(elementType), the recorded value is \(recordedType)")
            }
            if let shape, !shape.admits(tensor.dims) {
                throw ReferenceError(file: file, "output '\(output.name)' is declared \(shape), the recorded value has shape \(tensor.dims)")
            }
        }
    }

    /// The recorded inputs as interpreter feeds; `adapt` may change one (a layout flip) before it is fed.
    public func feeds(adapt: (String, TensorValue) throws -> TensorValue = { $1 }) throws -> [String: RuntimeValue] {
        var feeds: [String: RuntimeValue] = [:]
        for tensor in bundle.inputs {
            let value: TensorValue
            do {
                value = try TensorValue(tensor)
            } catch {
                throw ReferenceError(file: file, "input '\(tensor.name)': \(error)")
            }
            feeds[tensor.name] = .tensor(try adapt(tensor.name, value))
        }
        return feeds
    }

    /// Compares every output the model computed with its recording. Element type or shape differences
    /// are a `ReferenceError` naming the output; numbers off by more than the tolerance are not an error
    /// here but a report that did not pass, so callers can still print every output's figure.
    public func compare(_ outputs: [(name: String, value: RuntimeValue)]) throws -> ParityReport {
        var results: [OutputParity] = []
        for expected in bundle.outputs {
            guard let computed = outputs.first(where: { $0.name == expected.name }) else {
                throw ReferenceError(file: file, "output '\(expected.name)' was recorded but the model did not compute it")
            }
            guard case .tensor(let ours) = computed.value else {
                throw ReferenceError(file: file, "output '\(expected.name)' is \(computed.value.kindDescription), the recording a tensor")
            }
            let theirs: TensorValue
            do {
                theirs = try TensorValue(expected)
            } catch {
                throw ReferenceError(file: file, "output '\(expected.name)': \(error)")
            }
            guard ours.dataType == theirs.dataType, ours.shape == theirs.shape else {
                throw ReferenceError(file: file, "output '\(expected.name)': the model computes \(ours.dataType) \(ours.shape), "
                                     + "the recording holds \(theirs.dataType) \(theirs.shape)")
            }
            guard let error = ValueComparison.scaledError(ours, theirs) else {
                throw ReferenceError(file: file, "output '\(expected.name)' of type \(ours.dataType) cannot be compared numerically")
            }
            results.append(OutputParity(name: expected.name, dataType: ours.dataType, shape: ours.shape,
                                        scaledError: error, withinTolerance: error <= tolerance))
        }
        return ParityReport(outputs: results, tolerance: tolerance, recordedBy: recordedBy)
    }
}

/// One compared output.
public struct OutputParity: Sendable, Equatable {
    public var name: String
    public var dataType: DataType
    public var shape: [Int]
    /// max |computed − recorded| / max |recorded| (infinite when NaN or infinity appear in one only).
    public var scaledError: Double
    public var withinTolerance: Bool
}

/// Every compared output of a check; passes only when there was at least one and all are within tolerance.
public struct ParityReport: Sendable, Equatable {
    public var outputs: [OutputParity]
    public var tolerance: Double
    public var recordedBy: String

    public var passed: Bool { !outputs.isEmpty && outputs.allSatisfy(\.withinTolerance) }
    public var worst: OutputParity? { outputs.max { $0.scaledError < $1.scaledError } }

    /// One line per output: what was compared and how far apart.
    public var lines: [String] {
        outputs.map { output in
            let count = output.shape.reduce(1, *)
            return String(format: "parity %@ %@%@ (%d values): max |error| / max |%@| = %.2e%@",
                          output.name, output.dataType.description, "\(output.shape)", count, recordedBy,
                          output.scaledError, output.withinTolerance ? "" : " > tolerance")
        }
    }
}

/// A reference bundle that does not fit the model or cannot be read: `<file>: <what>`.
public struct ReferenceError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

extension TensorShape {
    /// Whether a value of `dims` can have this declared shape: the same rank, and every known size equal.
    func admits(_ dims: [Int64]) -> Bool {
        dims.count == rank && zip(self.dims, dims).allSatisfy { declared, actual in declared.value.map { $0 == actual } ?? true }
    }
}
