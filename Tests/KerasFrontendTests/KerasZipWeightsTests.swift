import Foundation
import Testing
import ONNX
import ZIPFoundation
@testable import KerasFrontend

/// The weights of a .keras zip reach libhdf5 without a temporary file: a stored member (what Keras
/// writes) is read in place from the mapped archive, a deflated one is inflated into memory. Both must
/// give exactly the weights of the same model's .h5, and the local-header walk that finds a stored member
/// must never read outside the archive, whatever its bytes.
@Suite struct KerasZipWeightsTests {
    static let folder = KerasFixtureTests.root.appendingPathComponent("k3")

    /// The converted model's initializers, by name.
    static func initializers(_ path: String) throws -> [String: Tensor] {
        let (model, _) = try KerasModelFile.load(model: path).convert(options: KerasImportOptions())
        let graph = try #require(model.graph)
        return Dictionary(uniqueKeysWithValues: graph.initializers.map { ($0.name, $0) })
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keras-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A copy of a fixture's members in a new zip, each with `compression`, and `replacing` members' bytes.
    static func rezip(_ source: URL, to target: URL, compression: CompressionMethod, replacing: [String: Data] = [:]) throws {
        let input = try Archive(url: source, accessMode: .read)
        let output = try Archive(url: target, accessMode: .create)
        for entry in input {
            var bytes = Data()
            _ = try input.extract(entry) { bytes.append($0) }
            let member = replacing[entry.path] ?? bytes
            try output.addEntry(with: entry.path, type: .file, uncompressedSize: Int64(member.count),
                                compressionMethod: compression) { position, size in
                member.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    @Test(arguments: ["cnn", "residual_blocks", "mobilenet_v2_small"])
    func storedWeightsAreReadInPlaceAndMatchTheH5(_ name: String) throws {
        let keras = Self.folder.appendingPathComponent("\(name).keras")
        let mapped = try #require(MappedArchive(keras))
        let range = try #require(mapped.storedData(named: "model.weights.h5"), "stored member not found")
        var member = Data()
        let archive = try Archive(url: keras, accessMode: .read)
        _ = try archive.extract(try #require(archive["model.weights.h5"])) { member.append($0) }
        let bytes = try Data(contentsOf: keras)
        #expect(bytes.subdata(in: range) == member)
        #expect(try Self.initializers(keras.path) == Self.initializers(Self.folder.appendingPathComponent("\(name).h5").path))
    }

    @Test func deflatedWeightsAreInflatedAndMatchTheStoredOnes() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stored = Self.folder.appendingPathComponent("cnn.keras"), deflated = folder.appendingPathComponent("cnn.keras")
        try Self.rezip(stored, to: deflated, compression: .deflate)
        #expect(MappedArchive(deflated)?.storedData(named: "model.weights.h5") == nil, "a deflated member is not in place")
        #expect(try Self.initializers(deflated.path) == Self.initializers(stored.path))
    }

    @Test(arguments: [false, true])
    func weightsThatAreNotHDF5NameTheMember(deflated: Bool) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("cnn.keras")
        try Self.rezip(Self.folder.appendingPathComponent("cnn.keras"), to: target, compression: deflated ? .deflate : .none,
                       replacing: ["model.weights.h5": Data(repeating: 0x5A, count: 4096)])
        #expect(throws: (any Error).self) { try KerasModelFile.load(model: target.path) }
        do {
            _ = try KerasModelFile.load(model: target.path)
        } catch {
            #expect("\(error)" == "\(target.path): model.weights.h5: not an HDF5 file")
        }
    }

    /// Every prefix of a real archive, and the archive with each byte of its first headers set to 0xFF:
    /// the walk finds nothing or a range inside the bytes, never reads past them.
    @Test func headerWalkStaysInsideDamagedArchives() throws {
        let bytes = try Data(contentsOf: Self.folder.appendingPathComponent("cnn.keras"))
        func walk(_ data: Data) -> Range<Int>? {
            data.withUnsafeBytes { ZipLocalHeaders(bytes: $0).storedData(named: "model.weights.h5") }
        }
        let whole = try #require(walk(bytes))
        for cut in stride(from: 0, to: bytes.count, by: 97) {
            if let range = walk(bytes.prefix(cut)) { #expect(range.upperBound <= cut) }
        }
        for index in 0..<min(bytes.count, 200) {
            var damaged = bytes
            damaged[index] = 0xFF
            if let range = walk(damaged) { #expect(range.upperBound <= damaged.count && range.lowerBound >= 0) }
        }
        #expect(whole.upperBound <= bytes.count)
    }
}
