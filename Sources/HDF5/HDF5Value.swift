/// An attribute's value. Integers widen to Int64 and floats to Double, so callers match on four cases
/// instead of every width HDF5 can store.
public enum HDF5Value: Sendable, Equatable {
    /// A scalar string, fixed or variable length, ASCII or UTF-8, without fixed-length padding.
    case string(String)
    /// An array of strings (Keras's `layer_names`, `weight_names`), flattened in C order.
    case strings([String])
    /// Integer (or h5py bool) elements in C order; `shape` is `[]` for a scalar.
    case integers([Int64], shape: [Int])
    /// Floating-point elements in C order; `shape` is `[]` for a scalar.
    case floats([Double], shape: [Int])

    /// The text of a scalar string, or of a string array with exactly one element.
    public var stringValue: String? {
        switch self {
        case .string(let text): return text
        case .strings(let texts) where texts.count == 1: return texts[0]
        default: return nil
        }
    }

    /// The strings of a string array; a scalar string gives `[s]`. An empty numeric array gives `[]`,
    /// because h5py stores an empty Python list (Keras's `weight_names` of a layer without weights)
    /// as an empty float64 array.
    public var stringsValue: [String]? {
        switch self {
        case .string(let text): return [text]
        case .strings(let texts): return texts
        case .integers(let values, _) where values.isEmpty: return []
        case .floats(let values, _) where values.isEmpty: return []
        default: return nil
        }
    }
}
