/// A sparse tensor (`SparseTensorProto`): `values` at `indices` in a dense shape `dims`.
public struct SparseTensor: Equatable, Sendable {
    public var values: Tensor?
    public var indices: Tensor?
    public var dims: [Int64]

    public init(values: Tensor?, indices: Tensor?, dims: [Int64]) {
        self.values = values
        self.indices = indices
        self.dims = dims
    }
}
