import Foundation
import NumPy
import ONNX

/// Reads model inputs given as files on the command line: one `.npz` bundle, or `.npy` / `.pb` files.
///
/// A `.npy` file's stem, or a `.pb` file's tensor name, is matched against the graph's input names;
/// `input_K.npy` / `input_K.pb` stand for the K-th input, as in onnx's backend test folders.
public enum TensorFiles {
    public static func readInputs(_ urls: [URL], for graph: Graph) throws -> [Tensor] {
        if urls.count == 1, let url = urls.first, url.pathExtension == "npz" {
            return try IOBundle.read(from: url, for: graph).inputs
        }
        var keyed: [(key: String, tensor: Tensor)] = []
        for url in urls {
            keyed.append(try readKeyed(url))
        }
        let description = urls.map(\.lastPathComponent).joined(separator: ", ")
        return try IOBundle.resolve(keyed, for: graph, file: description).inputs
    }

    static func readKeyed(_ url: URL) throws -> (key: String, tensor: Tensor) {
        let stem = url.deletingPathExtension().lastPathComponent
        switch url.pathExtension {
        case "npy":
            return (stem, NpyConversion.tensor(try NpyFile.read(from: url), name: stem))
        case "pb":
            let tensor = try TensorProtoFile.read(from: url)
            // Backend test files are named input_K.pb: position wins over the stored name.
            let key = stem.hasPrefix("input_") || tensor.name.isEmpty ? stem : tensor.name
            return (key, tensor)
        case "npz":
            throw TensorIOError(file: url.path, "an .npz bundle holds all the inputs and must be the only input file")
        default:
            throw TensorIOError(file: url.path, "unknown tensor file type (expected .npz, .npy or .pb)")
        }
    }
}
