import Testing
@testable import HDF5

/// libhdf5 is not thread-safe; these read from many tasks at once, through one shared file and through
/// separate ones, which crashes or corrupts results unless every call holds HDF5Lock.
@Suite struct HDF5ConcurrencyTests {
    @Test func manyTasksReadOneFile() async throws {
        let path = try SampleFile.create()
        defer { SampleFile.remove(path) }
        let file = try HDF5File(path: path)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<32 {
                group.addTask { (try? Self.readsEverything(file)) ?? false }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 32))
    }

    @Test func manyTasksOpenTheirOwnFiles() async throws {
        let path = try SampleFile.create()
        defer { SampleFile.remove(path) }
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    // Half open the good file, half a missing one, so failures interleave with reads.
                    if index.isMultiple(of: 2) {
                        return (try? Self.readsEverything(HDF5File(path: path))) ?? false
                    }
                    return (try? HDF5File(path: path + ".absent")) == nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 16))
    }

    private static func readsEverything(_ file: HDF5File) throws -> Bool {
        let root = file.root
        return try root.group("model_weights/dense/dense").dataset("kernel:0").readFloats() == SampleFile.kernel
            && root.dataset("data/big").readFloats() == SampleFile.big
            && root.dataset("data/variable_words").readStrings() == SampleFile.variableWords
            && root.group("model_weights").attribute("layer_names") == .strings(SampleFile.layerNames)
            && root.memberNames() == ["data", "model_weights"]
            && root.memberKind("data/int8") == .dataset
    }
}
