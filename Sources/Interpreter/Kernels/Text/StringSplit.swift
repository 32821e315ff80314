import ONNX

/// StringSplit (20): splits every string of X at `delimiter`, at most `maxsplit` times from the left (all
/// when absent). Outputs Y [X's shape…, longest split count], short rows padded with "", and the number of
/// pieces per string Z (int64, X's shape).
///
/// Why two ways of splitting: as Python's `str.split`, an absent or empty delimiter splits at runs of
/// whitespace and drops leading and trailing whitespace (no empty pieces), while an explicit delimiter
/// keeps the empty pieces between consecutive delimiters. Strings are compared by Unicode scalar.
enum StringSplitKernels {
    static let registrations = [KernelRegistration("StringSplit", since: 20) { node in
        let delimiter = try node.string("delimiter", default: "")
        let maxsplit = try node.int("maxsplit")
        if let maxsplit, maxsplit < 0 { throw KernelError("maxsplit must not be negative, got \(maxsplit)") }
        return StringSplitKernel(delimiter: Array(delimiter.unicodeScalars), maxsplit: maxsplit ?? Int.max)
    }]
}

struct StringSplitKernel: Kernel {
    let delimiter: [Unicode.Scalar]
    let maxsplit: Int

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try TextArgs.strings(inputs, 0, "X")
        let pieces = x.values.map { delimiter.isEmpty ? splitAtWhitespace($0) : split($0) }
        let width = pieces.map(\.count).max() ?? 0
        let padded = pieces.flatMap { $0 + [String](repeating: "", count: width - $0.count) }
        return [
            .tensor(TensorValue(shape: x.tensor.shape + [width], values: padded)),
            .tensor(TensorValue(shape: x.tensor.shape, values: pieces.map { Int64($0.count) })),
        ]
    }

    private func split(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = [], start = 0, i = 0
        while i + delimiter.count <= scalars.count && pieces.count < maxsplit {
            if scalars[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                pieces.append(Self.string(scalars[start..<i]))
                i += delimiter.count
                start = i
            } else {
                i += 1
            }
        }
        return pieces + [Self.string(scalars[start...])]
    }

    private func splitAtWhitespace(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = [], i = 0
        func skipSpace() { while i < scalars.count && scalars[i].properties.isWhitespace { i += 1 } }
        skipSpace()
        while i < scalars.count {
            if pieces.count == maxsplit {
                pieces.append(Self.string(scalars[i...]))
                break
            }
            let start = i
            while i < scalars.count && !scalars[i].properties.isWhitespace { i += 1 }
            pieces.append(Self.string(scalars[start..<i]))
            skipSpace()
        }
        return pieces
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
