import Testing
@testable import HDF5

@Suite struct HDF5AttributeTests {
    @Test func listsAttributeNamesSorted() throws {
        try SampleFile.withOpen { file throws in
            #expect(try file.root.attributeNames()
                == ["backend", "dims", "epochs", "fortran", "keras_version", "learning_rate", "tags", "trainable"])
            #expect(try file.root.group("data").attributeNames() == [])
        }
    }

    @Test func scalarStringsFixedAndVariable() throws {
        try SampleFile.withOpen { file throws in
            #expect(try file.root.attribute("keras_version") == .string("2.15.0"))
            #expect(try file.root.attribute("backend") == .string("tensorflow"))
            #expect(try file.root.attribute("fortran") == .string("padded"))
        }
    }

    @Test func stringArraysFixedAndVariable() throws {
        try SampleFile.withOpen { file throws in
            let layers = try file.root.group("model_weights").attribute("layer_names")
            #expect(layers == .strings(SampleFile.layerNames))
            let weights = try file.root.group("model_weights/dense").attribute("weight_names")
            #expect(weights?.stringsValue == SampleFile.weightNames)
            #expect(try file.root.attribute("tags") == .strings(["α", "b"]))
        }
    }

    @Test func eitherCharacterSetInEitherLayout() throws {
        try SampleFile.withOpen { file throws in
            let weights = try file.root.group("model_weights")
            #expect(try weights.attributeNames() == ["ascii", "layer_names", "utf8"])
            #expect(try weights.attribute("ascii") == .string("plain"))
            #expect(try weights.attribute("utf8") == .strings(["ünï", "ok"]))
        }
    }

    @Test func numbersWidenWithTheirShape() throws {
        try SampleFile.withOpen { file throws in
            #expect(try file.root.attribute("epochs") == .integers([12], shape: []))
            #expect(try file.root.attribute("learning_rate") == .floats([0.001], shape: []))
            #expect(try file.root.attribute("dims") == .integers([1, 2, 3, 4, 5, 6], shape: [2, 3]))
            #expect(try file.root.attribute("trainable") == .integers([1], shape: []))
        }
    }

    @Test func emptyListFromH5pyReadsAsNoStrings() throws {
        try SampleFile.withOpen { file throws in
            let names = try file.root.group("model_weights/dropout").attribute("weight_names")
            #expect(names == .floats([], shape: [0]))
            #expect(names?.stringsValue == [])
        }
    }

    @Test func absentAttributeIsNil() throws {
        try SampleFile.withOpen { file throws in
            #expect(try file.root.attribute("absent") == nil)
            #expect(try file.root.group("model_weights").attribute("keras_version") == nil)
        }
    }

    @Test func convenienceAccessors() {
        #expect(HDF5Value.string("a").stringValue == "a")
        #expect(HDF5Value.string("a").stringsValue == ["a"])
        #expect(HDF5Value.strings(["a"]).stringValue == "a")
        #expect(HDF5Value.strings(["a", "b"]).stringValue == nil)
        #expect(HDF5Value.strings(["a", "b"]).stringsValue == ["a", "b"])
        #expect(HDF5Value.integers([1], shape: []).stringValue == nil)
        #expect(HDF5Value.integers([1], shape: []).stringsValue == nil)
        #expect(HDF5Value.integers([], shape: [0]).stringsValue == [])
    }
}
