/// A recursive-descent reader for `PythonLiteral`, over the header's Unicode scalars.
///
/// Every read is bounds-checked: the header comes from the file and may be anything.
struct PythonLiteralParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    var atEnd: Bool { position >= scalars.count }

    private var current: Unicode.Scalar? {
        position < scalars.count ? scalars[position] : nil
    }

    func error(_ message: String) -> LiteralError {
        LiteralError(message: "\(message) at character \(position)")
    }

    mutating func skipWhitespace() {
        while let scalar = current, scalar.properties.isWhitespace { position += 1 }
    }

    mutating func value(depth: Int) throws(LiteralError) -> PythonLiteral {
        guard depth < PythonLiteral.maxDepth else { throw error("nested too deeply") }
        skipWhitespace()
        guard let scalar = current else { throw error("unexpected end") }
        switch scalar {
        case "{": return .dict(try dict(depth: depth))
        case "(":
            let (items, trailingComma) = try sequence(closing: ")", depth: depth)
            // `(x)` is just x in Python; only `(x,)` is a one-element tuple.
            if items.count == 1, !trailingComma, let only = items.first { return only }
            return .tuple(items)
        case "[": return .list(try sequence(closing: "]", depth: depth).items)
        case "'", "\"": return .string(try string())
        case "-", "+", "0"..."9": return .integer(try integer())
        default: return try keyword()
        }
    }

    /// Items up to `closing`, allowing a trailing comma; the opening bracket is at `position`.
    private mutating func sequence(closing: Unicode.Scalar, depth: Int)
        throws(LiteralError) -> (items: [PythonLiteral], trailingComma: Bool)
    {
        position += 1
        var items: [PythonLiteral] = []
        var trailingComma = false
        while true {
            skipWhitespace()
            if current == closing { position += 1; return (items, trailingComma) }
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            trailingComma = current == ","
            if trailingComma { position += 1; continue }
            guard current == closing else { throw error("expected ',' or '\(closing)'") }
        }
    }

    private mutating func dict(depth: Int) throws(LiteralError) -> [String: PythonLiteral] {
        position += 1
        var entries: [String: PythonLiteral] = [:]
        while true {
            skipWhitespace()
            if current == "}" { position += 1; return entries }
            guard case .string(let key) = try value(depth: depth + 1) else {
                throw error("dict key is not a string")
            }
            skipWhitespace()
            guard current == ":" else { throw error("expected ':'") }
            position += 1
            entries[key] = try value(depth: depth + 1)
            skipWhitespace()
            if current == "," { position += 1; continue }
            guard current == "}" else { throw error("expected ',' or '}'") }
        }
    }

    /// A quoted string; backslash escapes keep the escaped character (numpy's keys and descrs have none
    /// that matter, and `\n`-style escapes are not worth decoding for an error message).
    private mutating func string() throws(LiteralError) -> String {
        guard let quote = current else { throw error("unexpected end") }
        position += 1
        var text = String.UnicodeScalarView()
        while let scalar = current, scalar != quote {
            if scalar == "\\" { position += 1 }
            guard let kept = current else { break }
            text.append(kept)
            position += 1
        }
        guard current == quote else { throw error("unterminated string") }
        position += 1
        return String(text)
    }

    private mutating func integer() throws(LiteralError) -> Int {
        var text = ""
        if let sign = current, sign == "-" || sign == "+" { text.unicodeScalars.append(sign); position += 1 }
        while let digit = current, ("0"..."9").contains(digit) {
            text.unicodeScalars.append(digit)
            position += 1
        }
        if current == "L" || current == "l" { position += 1 }
        guard let value = Int(text) else { throw error("bad or too large integer '\(text.prefix(24))'") }
        return value
    }

    private mutating func keyword() throws(LiteralError) -> PythonLiteral {
        var word = ""
        while let letter = current, letter.properties.isAlphabetic {
            word.unicodeScalars.append(letter)
            position += 1
        }
        switch word {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        default:
            guard word.isEmpty else { throw error("unknown name '\(word.prefix(24))'") }
            throw error(current.map { "unexpected character '\($0)'" } ?? "unexpected end")
        }
    }
}
