/// What a group member is. Named datatypes and dangling links are neither and read as absent.
public enum HDF5ObjectKind: Sendable, Equatable {
    case group, dataset
}
