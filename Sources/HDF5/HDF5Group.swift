import CHDF5

/// A group in an open file. Member names may be paths (`"a/b/c"`), resolved below this group.
public struct HDF5Group: Sendable {
    /// `/` for the root, otherwise the full path (`/model_weights/dense`).
    public let path: String
    let file: HDF5File

    init(file: HDF5File, path: String) {
        self.file = file
        self.path = path
    }

    /// Names of the group's direct members (groups, datasets and any other links), sorted.
    public func memberNames() throws(HDF5Error) -> [String] {
        try HDF5Lock.run(file: file.path, object: path) { () throws(HDF5Error) -> [String] in try listMembers() }
    }

    /// What `name` is, or nil when there is no group or dataset by that name.
    public func memberKind(_ name: String) -> HDF5ObjectKind? {
        guard let target = HDF5Path.join(path, name) else { return nil }
        return HDF5Lock.run(file: file.path, object: target) { HDF5Objects.kind(in: file, target) }
    }

    public func group(_ name: String) throws(HDF5Error) -> HDF5Group {
        let target = try resolve(name)
        try HDF5Lock.run(file: file.path, object: target) { () throws(HDF5Error) in
            try HDF5Objects.require(.group, in: file, target)
        }
        return HDF5Group(file: file, path: target)
    }

    public func dataset(_ name: String) throws(HDF5Error) -> HDF5Dataset {
        let target = try resolve(name)
        return try HDF5Lock.run(file: file.path, object: target) { () throws(HDF5Error) -> HDF5Dataset in
            try HDF5Objects.require(.dataset, in: file, target)
            return try HDF5Dataset.open(in: file, target)
        }
    }

    public func attributeNames() throws(HDF5Error) -> [String] {
        try HDF5Lock.run(file: file.path, object: path) { () throws(HDF5Error) -> [String] in
            try HDF5Attributes.names(in: file, path)
        }
    }

    /// The attribute's value, or nil when the group has no attribute by that name.
    public func attribute(_ name: String) throws(HDF5Error) -> HDF5Value? {
        try HDF5Lock.run(file: file.path, object: "attribute '\(name)' of \(path)") { () throws(HDF5Error) -> HDF5Value? in
            try HDF5Attributes.value(in: file, path, name)
        }
    }

    private func resolve(_ name: String) throws(HDF5Error) -> String {
        guard let target = HDF5Path.join(path, name) else {
            throw file.error(path, "empty member name '\(name)'")
        }
        return target
    }

    /// Lock held.
    private func listMembers() throws(HDF5Error) -> [String] {
        let group = H5Gopen2(file.id, path, chdf5_p_default())
        guard group >= 0 else { throw file.libraryError(path, "cannot open group") }
        defer { H5Gclose(group) }
        var info = H5G_info_t()
        guard H5Gget_info(group, &info) >= 0 else { throw file.libraryError(path, "cannot read group info") }
        var names: [String] = []
        var index: hsize_t = 0
        while index < info.nlinks {
            names.append(try memberName(group, index))
            index += 1
        }
        return names.sorted()
    }

    /// The name of link `index`; asked once for the length, then for the text (the API has no other way).
    private func memberName(_ group: hid_t, _ index: hsize_t) throws(HDF5Error) -> String {
        let lapl = chdf5_p_default()
        let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, lapl)
        guard length >= 0 else { throw file.libraryError(path, "cannot read member name \(index)") }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, length + 1, lapl) >= 0 else {
            throw file.libraryError(path, "cannot read member name \(index)")
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
