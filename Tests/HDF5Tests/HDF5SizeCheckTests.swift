import CHDF5
import Foundation
import Limits
import Testing
@testable import HDF5

/// Sizes are checked before libhdf5 is asked to read: what a dataset or attribute declares must fit in the
/// file and in the memory budget, variable-length strings may not add up to more than the file holds,
/// and data kept in other files is never followed. Each refusal is one HDF5Error naming the object.
@Suite struct HDF5SizeCheckTests {
    @Test func datasetsOverTheBudgetAreRefusedBeforeReading() throws {
        try SampleFile.withOpen { file throws in
            let big = try file.root.dataset("data/big")  // 10,000 float32 values
            let error = try #require(throws: HDF5Error.self) {
                try MemoryBudget.$current.withValue(MemoryBudget(bytes: 39_999)) { try big.readFloatData() }
            }
            #expect(error.object == "/data/big")
            #expect(error.message == "shape [200, 50] needs 39.1 KiB, over the memory budget of 39.1 KiB (--max-memory)")
            #expect(!error.description.contains("\n"))
            // Exactly the budget is allowed, and doubles need twice as much.
            let data = try MemoryBudget.$current.withValue(MemoryBudget(bytes: 40_000)) { () throws(HDF5Error) -> Data in
                return try big.readFloatData()
            }
            #expect(data.count == 40_000)
            #expect(throws: HDF5Error.self) {
                try MemoryBudget.$current.withValue(MemoryBudget(bytes: 40_000)) { try big.readDoubles() }
            }
        }
    }

    @Test func attributesOverTheBudgetAreRefused() throws {
        try SampleFile.withOpen { file throws in
            let error = try #require(throws: HDF5Error.self) {
                try MemoryBudget.$current.withValue(MemoryBudget(bytes: 40)) { try file.root.attribute("dims") }
            }
            #expect(error.object == "/")
            #expect(error.message.hasPrefix("attribute 'dims': shape [2, 3] needs 48 B, over the memory budget"))
            #expect(try file.root.attribute("dims") == .integers([1, 2, 3, 4, 5, 6], shape: [2, 3]))
        }
    }

    /// The pointers fit the budget, the strings they point to do not: the bounded allocator refuses them
    /// during the read, and nothing leaks (the resource test's sweep covers the successful path).
    @Test func variableLengthStringsAreReadWithinABound() throws {
        let path = try SampleFile.create()
        defer { SampleFile.remove(path) }
        let long = String(repeating: "k", count: 3000)
        try HDF5FixtureWriter(path: path + ".long.h5").variableStrings(.dataset("/long"), [long, long, "x"], shape: [3])
        let file = try HDF5File(path: path + ".long.h5")
        let dataset = try file.root.dataset("long")
        let error = try #require(throws: HDF5Error.self) {
            try MemoryBudget.$current.withValue(MemoryBudget(bytes: 4096)) { try dataset.readStrings() }
        }
        #expect(error.object == "/long")
        #expect(error.message == "variable-length strings need more than 4.0 KiB, over the memory budget (--max-memory)")
        #expect(try dataset.readStrings() == [long, long, "x"])
    }

    /// The allocator behind that bound: the words take 2 + 1 + 15 bytes with their NULs, so a limit of
    /// 5 refuses the third and the read fails instead of allocating.
    @Test func theBoundedAllocatorRefusesPastItsLimit() throws {
        try SampleFile.withOpen { file throws in
            let (status, refused, used) = try HDF5Lock.run { () throws -> (herr_t, Bool, Int) in
                let allocator = HDF5BoundedAllocator(limit: 5)
                let list = try allocator.transferList { file.error("/", $0) }
                defer { H5Pclose(list) }
                let dataset = H5Dopen2(file.id, "/data/variable_words", chdf5_p_default())
                defer { H5Dclose(dataset) }
                let space = H5Dget_space(dataset)
                defer { H5Sclose(space) }
                let type = H5Tcopy(chdf5_t_c_s1())
                defer { H5Tclose(type) }
                H5Tset_size(type, chdf5_t_variable())
                H5Tset_cset(type, H5T_CSET_UTF8)
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: 3)
                let status = H5Dread(dataset, type, chdf5_s_all(), chdf5_s_all(), list, &pointers)
                H5Dvlen_reclaim(type, space, chdf5_p_default(), &pointers)
                return (status, allocator.refused, allocator.used)
            }
            #expect(status < 0)
            #expect(refused)
            #expect(used <= 5)
        }
    }

    /// External raw-data files would let a .h5 make the reader open any file on the machine.
    @Test func dataInOtherFilesIsNotFollowed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("HDF5SizeCheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outside = folder.appendingPathComponent("outside.bin").path
        try Data(repeating: 7, count: 64).write(to: URL(fileURLWithPath: outside))
        let path = folder.appendingPathComponent("external.h5").path
        try Self.writeExternal(path: path, pointingAt: outside, count: 16)
        let file = try HDF5File(path: path)
        let dataset = try file.root.dataset("borrowed")
        #expect(dataset.shape == [16])
        let error = try #require(throws: HDF5Error.self) { try dataset.readFloats() }
        #expect(error.description == "\(path): /borrowed: keeps its data in other files, which this reader does not open")
    }

    /// A float32 dataset of `count` elements whose data lives in `outside` (H5Pset_external).
    private static func writeExternal(path: String, pointingAt outside: String, count: Int) throws {
        try HDF5Lock.run { () throws in
            let file = H5Fcreate(path, chdf5_f_acc_trunc(), chdf5_p_default(), chdf5_p_default())
            guard file >= 0 else { throw FixtureError(description: "cannot create \(path)") }
            defer { H5Fclose(file) }
            let plist = H5Pcreate(chdf5_p_dataset_create())
            defer { H5Pclose(plist) }
            guard H5Pset_external(plist, outside, 0, hsize_t(count * 4)) >= 0 else {
                throw FixtureError(description: "cannot set external storage")
            }
            var dims = [hsize_t(count)]
            let space = H5Screate_simple(1, &dims, nil)
            defer { H5Sclose(space) }
            let dataset = H5Dcreate2(file, "/borrowed", chdf5_t_native_float(), space, chdf5_p_default(), plist,
                                     chdf5_p_default())
            guard dataset >= 0 else { throw FixtureError(description: "cannot create the external dataset") }
            H5Dclose(dataset)
        }
    }
}
