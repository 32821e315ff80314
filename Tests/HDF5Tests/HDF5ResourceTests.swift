import CHDF5
import Testing
@testable import HDF5

/// Every id the reader opens must be closed again, on success and on error alike: a leaked dataset or
/// attribute id keeps memory (and, for the file, the descriptor) until the process ends.
@Suite struct HDF5ResourceTests {
    @Test func readingEverythingLeavesNoObjectOpen() throws {
        let path = try SampleFile.create()
        defer { SampleFile.remove(path) }
        let file = try HDF5File(path: path)
        try HDF5Sweep.readEverything(file.root)
        HDF5Sweep.provokeErrors(file.root)
        #expect(openObjects(in: file) == 0)
    }

    /// Datasets, groups, attributes and named datatypes still open in `file` (the file itself excluded).
    private func openObjects(in file: HDF5File) -> Int {
        HDF5Lock.run {
            H5Fget_obj_count(file.id, UInt32(H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_ATTR | H5F_OBJ_DATATYPE))
        }
    }
}

/// Walks a whole file through the public API, for tests that check side effects of reading.
enum HDF5Sweep {
    static func readEverything(_ group: HDF5Group) throws {
        for name in try group.attributeNames() { _ = try group.attribute(name) }
        for name in try group.memberNames() {
            switch group.memberKind(name) {
            case .group?:
                try readEverything(group.group(name))
            case .dataset?:
                let dataset = try group.dataset(name)
                for attribute in try dataset.attributeNames() { _ = try dataset.attribute(attribute) }
                if dataset.elementType == .string {
                    _ = try dataset.readStrings()
                } else {
                    _ = try dataset.readFloats()
                    _ = try dataset.readDoubles()
                    _ = try dataset.readInt64s()
                }
            case nil:
                break
            }
        }
    }

    /// Failing calls of every kind, whose errors are expected and ignored.
    static func provokeErrors(_ root: HDF5Group) {
        _ = try? root.group("absent/deeper")
        _ = try? root.group("data/int8")
        _ = try? root.dataset("data")
        _ = try? root.dataset("data/words").readFloats()
        _ = try? root.dataset("data/int8").readStrings()
        _ = try? root.group("data").attribute("absent")
        _ = root.memberKind("data/int8/inside")
    }
}
