/// What a contained child last reported over its progress pipe: `B <file>\t<object>` when it enters
/// libhdf5, `E` when libhdf5 returns.
struct ChildProgress {
    struct Place: Equatable {
        var file: String
        var object: String
    }

    /// Where the child is inside libhdf5 now, nil when it is not in libhdf5.
    private(set) var current: Place?
    /// The last place it entered libhdf5 for.
    private(set) var last: Place?
    private var partial: [UInt8] = []

    mutating func consume(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else {
                // A line is at most ~2 KB (the child truncates); anything longer is not from it.
                if partial.count < 8192 { partial.append(byte) }
                continue
            }
            apply(String(decoding: partial, as: UTF8.self))
            partial.removeAll(keepingCapacity: true)
        }
    }

    private mutating func apply(_ line: String) {
        if line == "E" {
            current = nil
        } else if line.hasPrefix("B "), let tab = line.firstIndex(of: "\t") {
            let place = Place(file: String(line[line.index(line.startIndex, offsetBy: 2)..<tab]),
                              object: String(line[line.index(after: tab)...]))
            current = place
            last = place
        }
    }
}
