import ArgumentParser
import Foundation
import Parity

struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run an ONNX backend-test-style folder of cases and report passes and failures.",
        discussion: """
            Each case is a folder with model.onnx and test_data_set_N/input_K.pb, output_K.pb (the layout of \
            onnx's backend node tests; scripts/onnx-node-suite.sh generates them). Outputs are compared with \
            rtol 1e-3, atol 1e-7 as onnx's runner does. Ends with the line `N passed, M failed`.
            """)

    @Argument(help: "A folder of cases, each with model.onnx and test_data_set_*/.", completion: .directory)
    var directory: String

    @Option(help: "Only cases whose folder name matches this regular expression.")
    var filter: String?

    @Flag(help: "Print passing cases too.")
    var verbose = false

    @Option(help: "Fail (exit 1) if fewer than this many cases pass.")
    var minPassed: Int?

    func run() throws {
        let suite = ConformanceSuite(directory: URL(fileURLWithPath: directory))
        let names = try reportingFailures(file: directory) { try suite.caseNames(matching: filter) }
        guard !names.isEmpty else { throw CLIFailure(.badInput, "\(directory): no cases (folders with model.onnx) found") }
        var failuresByOp: [String: [String]] = [:]
        var passed = 0
        for name in names {
            let result = suite.run(name)
            if let failure = result.failure {
                print("FAIL \(name): \(failure.split(separator: "\n").first ?? "")")
                failuresByOp[result.op, default: []].append(name)
            } else {
                passed += 1
                if verbose { print("ok   \(name)") }
            }
        }
        if !failuresByOp.isEmpty {
            print("\nfailures by op:")
            for (op, cases) in failuresByOp.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
                print("  \(op): \(cases.count)")
            }
        }
        print("\(passed) passed, \(names.count - passed) failed")
        if let minPassed, passed < minPassed {
            throw CLIFailure(.parityFailure, "\(directory): \(passed) cases passed, fewer than the floor of \(minPassed)")
        }
    }
}
