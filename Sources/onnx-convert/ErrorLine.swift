/// The text of the one line a failure prints on stderr.
///
/// Messages quote names read from the files (layer names, HDF5 object paths, zip members, tensor names),
/// and an attacker writes those: a newline would split the promised one line, an escape sequence would
/// drive the user's terminal, a bidirectional override would make the line read differently from what it
/// says. Such characters are shown escaped (`\n`, `\u{1b}`), so the line stays one line and shows what is
/// there; a name megabytes long is cut, with how much was left out.
enum ErrorLine {
    /// Far above any real message (a list of every unsupported layer of a big model fits), far below a
    /// screenful of one hostile name.
    static let maximumCharacters = 8192

    static func text(_ message: String) -> String {
        var out = ""
        var written = 0
        var scalars = message.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard written < maximumCharacters else {
                var left = 1
                while scalars.next() != nil { left += 1 }
                out += "… (\(left) more characters)"
                break
            }
            out += escaped(scalar)
            written += 1
        }
        return out
    }

    static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let category = scalar.properties.generalCategory
            let hidden = category == .control || category == .lineSeparator || category == .paragraphSeparator
                || scalar.properties.isBidiControl
            return hidden ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
    }
}
