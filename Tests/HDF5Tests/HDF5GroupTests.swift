import Testing
@testable import HDF5

@Suite struct HDF5GroupTests {
    @Test func listsMembersSortedByName() throws {
        try SampleFile.withOpen { file throws in
            #expect(try file.root.group("model_weights").memberNames() == ["dense", "dropout"])
            #expect(try file.root.group("data").memberNames()
                == ["big", "flags", "half", "int64_be", "int8", "scalar", "variable_words", "words"])
            #expect(try file.root.group("model_weights/dropout").memberNames() == [])
        }
    }

    @Test func memberKindFollowsPaths() throws {
        try SampleFile.withOpen { file throws in
            let root = file.root
            #expect(root.memberKind("model_weights") == .group)
            #expect(root.memberKind("model_weights/dense/dense") == .group)
            #expect(root.memberKind("model_weights/dense/dense/kernel:0") == .dataset)
            #expect(root.memberKind("data/int8") == .dataset)
            #expect(root.memberKind("absent") == nil)
            #expect(root.memberKind("absent/deeper/still") == nil)
            #expect(root.memberKind("data/int8/inside_a_dataset") == nil)
            #expect(root.memberKind("") == nil)
        }
    }

    @Test func nestedGroupsKnowTheirFullPath() throws {
        try SampleFile.withOpen { file throws in
            let dense = try file.root.group("model_weights").group("dense")
            #expect(dense.path == "/model_weights/dense")
            let inner = try file.root.group("model_weights/dense/dense")
            #expect(inner.path == "/model_weights/dense/dense")
            #expect(try inner.memberNames() == ["bias:0", "kernel:0"])
            #expect(try dense.dataset("dense/kernel:0").path == "/model_weights/dense/dense/kernel:0")
        }
    }

    @Test func missingGroupNamesFileAndFullPath() throws {
        try SampleFile.withOpen { file throws in
            let weights = try file.root.group("model_weights")
            let error = try #require(throws: HDF5Error.self) { try weights.group("conv/kernel") }
            #expect(error.file == file.path)
            #expect(error.object == "/model_weights/conv/kernel")
            #expect(error.description == "\(file.path): /model_weights/conv/kernel: no such group")
        }
    }

    @Test func missingDatasetNamesFileAndFullPath() throws {
        try SampleFile.withOpen { file throws in
            let error = try #require(throws: HDF5Error.self) { try file.root.dataset("data/absent") }
            #expect(error.description == "\(file.path): /data/absent: no such dataset")
        }
    }

    @Test func wrongKindSaysWhatIsThere() throws {
        try SampleFile.withOpen { file throws in
            let notGroup = try #require(throws: HDF5Error.self) { try file.root.group("data/int8") }
            #expect(notGroup.description == "\(file.path): /data/int8: is a dataset, not a group")
            let notDataset = try #require(throws: HDF5Error.self) { try file.root.dataset("data") }
            #expect(notDataset.description == "\(file.path): /data: is a group, not a dataset")
        }
    }

    @Test func emptyMemberNameIsAnError() throws {
        try SampleFile.withOpen { file throws in
            let error = try #require(throws: HDF5Error.self) { try file.root.group("/") }
            #expect(error.object == "/")
        }
    }
}
