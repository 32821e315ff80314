// libFuzzer target, structure-aware: a Keras model config (JSON) whose numbers are replaced by hostile
// ones (0, -1, 2^31, 2^40, 2^62, NaN, 1e300) and whose lists are shortened or lengthened, converted with
// the weights of the bundled fixture of the same model name (testdata/keras, FUZZ_KERAS_DIR). Built only
// by `make fuzz`, with -enable-testing for the importer's internals.
import CLibFuzzer
import Foundation
import Limits
@testable import KerasFrontend

/// Every bundled full-model .h5, open, by Keras major version and model name. Read only, and libFuzzer
/// calls the functions below on one thread: main.swift's globals need no actor isolation here.
nonisolated(unsafe) let fixtures: [String: KerasModelFile] = {
    let root = URL(fileURLWithPath: ProcessInfo.processInfo.environment["FUZZ_KERAS_DIR"] ?? "testdata/keras")
    var found: [String: KerasModelFile] = [:]
    for dialect in ["k2", "k3"] {
        let folder = root.appendingPathComponent(dialect)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".h5") {
            guard let file = try? KerasModelFile.load(model: folder.appendingPathComponent(name).path) else { continue }
            found["\(file.model.kerasVersion):\(file.model.name)"] = file
        }
    }
    return found
}()

func fuzzKerasConfig(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    convert(data)
    return 0
}

func convert(_ data: Data) {
    MemoryBudget.$current.withValue(MemoryBudget(bytes: 1 << 30)) {
        guard let json = try? JSONValue.parse(data), let model = try? KerasModel.parse(json),
              let fixture = fixtures["\(model.kerasVersion):\(model.name)"] ?? fixtures["2:\(model.name)"]
                ?? fixtures["3:\(model.name)"] else { return }
        _ = try? KerasImporter.convert(model, weights: fixture.weights, options: KerasImportOptions())
    }
}

/// Hostile numbers, as a Keras config could carry them.
nonisolated(unsafe) let hostileNumbers: [Double] = [0, -1, 2_147_483_648, 1_099_511_627_776, 4_611_686_018_427_387_904, .nan, 1e300, -4.6e18]

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}

/// Counts the numbers and lists of a config, and rewrites the `index`-th one.
enum ConfigMutation {
    static func count(_ value: JSONValue) -> Int {
        switch value {
        case .number: return 1
        case .array(let items): return 1 + items.reduce(0) { $0 + count($1) }
        case .object(let members): return members.values.reduce(0) { $0 + count($1) }
        default: return 0
        }
    }

    static func apply(_ value: JSONValue, index: inout Int, random: inout SplitMix) -> JSONValue {
        switch value {
        case .number:
            defer { index -= 1 }
            return index == 0 ? .number(hostileNumbers[random.below(hostileNumbers.count)]) : value
        case .array(var items):
            if index == 0 {
                index -= 1
                if random.next() & 1 == 0 { if !items.isEmpty { items.removeLast() } } else if let last = items.last { items.append(last) }
                return .array(items)
            }
            index -= 1
            return .array(items.map { apply($0, index: &index, random: &random) })
        case .object(let members):
            // Sorted keys, so the same index means the same place on every call.
            var result: [String: JSONValue] = [:]
            for key in members.keys.sorted() { result[key] = members[key].map { apply($0, index: &index, random: &random) } }
            return .object(result)
        default:
            return value
        }
    }
}

@_cdecl("LLVMFuzzerCustomMutator")
public func mutateKerasConfig(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    guard let data else { return 0 }
    return mutate(data, size, maxSize, seed)
}

func mutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    var random = SplitMix(state: UInt64(seed))
    guard random.below(4) != 0, let json = try? JSONValue.parse(Data(bytes: data, count: size)) else {
        return LLVMFuzzerMutate(data, size, maxSize)
    }
    let places = ConfigMutation.count(json)
    guard places > 0 else { return LLVMFuzzerMutate(data, size, maxSize) }
    var index = random.below(places)
    let text = Array(ConfigMutation.apply(json, index: &index, random: &random).description.utf8)
    guard text.count <= maxSize else { return LLVMFuzzerMutate(data, size, maxSize) }
    text.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress { data.update(from: base, count: buffer.count) }
    }
    return text.count
}

// Two variables: one tuple passed twice inout would be an exclusivity violation.
var argumentCount = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues, fuzzKerasConfig))
