import Foundation
import Testing
import NumPy
import ONNX
@testable import TensorIO

/// NumPy dtypes ↔ ONNX element types, and arrays ↔ tensors.
@Suite struct NpyConversionTests {
    static let numpyFixtures = Fixtures.root.appendingPathComponent("testdata/numpy")

    /// An array of `dtype` with distinct bytes, so a shuffled or shortened copy shows.
    static func patterned(_ dtype: NpyDType, shape: [Int]) -> NpyArray {
        let count = shape.reduce(1, *) * dtype.itemSize
        return NpyArray(dtype: dtype, shape: shape, data: Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }))
    }

    /// ONNX's lower-cased type names are numpy's dtype names, so the table can be checked by name.
    @Test(arguments: NpyDType.allCases)
    func everyDTypeMapsToAnONNXTypeAndBack(dtype: NpyDType) {
        let dataType = NpyConversion.dataType(for: dtype)
        #expect(dataType.description == dtype.rawValue)
        #expect(dataType.bitWidth == dtype.itemSize * 8)
        #expect(NpyConversion.npyDType(for: dataType) == dtype)
    }

    @Test func typesWithoutANumPyDType() {
        let mapped = Set(NpyDType.allCases.map(NpyConversion.dataType(for:)))
        #expect(mapped.count == NpyDType.allCases.count)
        let unmapped = DataType.allCases.filter { NpyConversion.npyDType(for: $0) == nil }
        #expect(Set(unmapped) == Set(DataType.allCases).subtracting(mapped))
        for type in [DataType.undefined, .string, .bfloat16, .float8e4m3fn, .float8e5m2, .int4, .uint4, .float4e2m1, .int2, .float6e2m3] {
            #expect(unmapped.contains(type), "\(type)")
        }
    }

    @Test(arguments: NpyDType.allCases)
    func arrayToTensorAndBack(dtype: NpyDType) throws {
        for shape in [[2, 3], [], [0, 4], [1, 1, 5]] {
            let array = Self.patterned(dtype, shape: shape)
            let tensor = NpyConversion.tensor(array, name: "t")
            #expect(tensor.name == "t")
            #expect(tensor.dataType == NpyConversion.dataType(for: dtype))
            #expect(tensor.dims == shape.map(Int64.init))
            #expect(try tensor.rawBytes() == array.data)
            #expect(try NpyConversion.array(tensor, file: "t.npz") == array)
        }
    }

    /// numpy's own files (testdata/numpy, by converters/numpy/make_fixtures.py) read as tensors with the
    /// values of that script's formulas: (k − 12) / 4 for the float types, (k − 12)·2⁴⁰ for int64.
    @Test func numpyFilesBecomeTensorsWithTheirValues() throws {
        for (file, dataType) in [("dtype_float32.npy", DataType.float), ("dtype_float16.npy", .float16)] {
            let tensor = NpyConversion.tensor(try NpyFile.read(from: Self.numpyFixtures.appendingPathComponent(file)), name: "x")
            #expect(tensor.dataType == dataType)
            #expect(tensor.dims == Fixtures.dims)
            #expect(try tensor.floatValues() == Fixtures.quarters)
        }
        let longs = NpyConversion.tensor(try NpyFile.read(from: Self.numpyFixtures.appendingPathComponent("dtype_int64.npy")), name: "n")
        #expect(try longs.int64Values() == Fixtures.int64s)
    }

    /// The tensor files read by TensorProtoFile convert to arrays holding the same numbers.
    @Test(arguments: Fixtures.rawFormulaNames + Fixtures.typedNames.map { "\($0)_typed" })
    func tensorFilesBecomeArrays(name: String) throws {
        let tensor = try Fixtures.read("\(name).pb")
        let array = try NpyConversion.array(tensor, file: "\(name).pb")
        #expect(array.shape == [2, 3, 4])
        #expect(array.data == (try tensor.rawBytes()))
        #expect(NpyConversion.dataType(for: array.dtype) == tensor.dataType)
        #expect(array.floats() == (try tensor.floatValues()))
    }

    @Test func scalarAndEmptyTensorFiles() throws {
        let scalar = try NpyConversion.array(try Fixtures.read("scalar.pb"), file: "scalar.pb")
        #expect(scalar.shape == [])
        #expect(scalar.floats() == [2.5])
        let empty = try NpyConversion.array(try Fixtures.read("empty.pb"), file: "empty.pb")
        #expect(empty.shape == [0, 4])
        #expect(empty.data.isEmpty)
    }

    @Test func tensorsWithoutANumPyDTypeAreErrorsNamingTheTensor() throws {
        let bfloat = Tensor(name: "bf", dataType: .bfloat16, dims: [2], raw: Data(count: 4))
        let error = expectTensorIOError(file: "out.npz") { _ = try NpyConversion.array(bfloat, file: "out.npz") }
        #expect(error?.message.contains("'bf'") == true)
        #expect(error?.message.contains("bfloat16") == true)

        let strings = try Fixtures.read("string.pb")
        let stringError = expectTensorIOError(file: "out.npz") { _ = try NpyConversion.array(strings, file: "out.npz") }
        #expect(stringError?.message.contains("'string'") == true)

        let untyped = Tensor(name: "u", dataType: nil, dims: [], storage: .none)
        let untypedError = expectTensorIOError(file: "out.npz") { _ = try NpyConversion.array(untyped, file: "out.npz") }
        #expect(untypedError?.message.contains("'u'") == true)
    }

    @Test func tensorsWhoseDataCannotBeAnArray() {
        let short = Tensor(name: "short", dataType: .int32, dims: [3], raw: Data(count: 8))
        let error = expectTensorIOError(file: "x.npz") { _ = try NpyConversion.array(short, file: "x.npz") }
        #expect(error?.message.contains("'short'") == true)

        let external = Tensor(
            name: "far", dataType: .float, dims: [1],
            storage: .external(ExternalDataReference(entries: [MetadataEntry(key: "location", value: "w.bin")], baseDirectory: nil)))
        let externalError = expectTensorIOError(file: "x.npz") { _ = try NpyConversion.array(external, file: "x.npz") }
        #expect(externalError?.message.contains("'far'") == true)
    }
}
