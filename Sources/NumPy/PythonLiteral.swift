/// The subset of Python literal syntax an `.npy` header uses — numpy writes `repr()` of a dict and reads
/// it back with `ast.literal_eval` — parsed without evaluating anything.
///
/// Covers strings, integers (with Python 2's `L` suffix, which old files carry), True/False/None,
/// tuples, lists and dicts with string keys. Nesting is capped so a hostile header cannot exhaust the
/// stack.
indirect enum PythonLiteral: Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([String: PythonLiteral])

    static let maxDepth = 32

    /// Parses `text` as exactly one literal surrounded by optional whitespace.
    /// Throws a message for `NumPyError.Reason.malformedHeader`.
    static func parse(_ text: String) throws(LiteralError) -> PythonLiteral {
        var parser = PythonLiteralParser(text)
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.atEnd else { throw parser.error("unexpected text after the literal") }
        return value
    }

    /// Python's `repr` of the value, for error messages.
    var description: String {
        switch self {
        case .string(let text): return "'\(text)'"
        case .integer(let value): return String(value)
        case .boolean(let value): return value ? "True" : "False"
        case .none: return "None"
        case .tuple(let items):
            if items.count == 1, let only = items.first { return "(\(only),)" }
            return "(" + Self.joined(items) + ")"
        case .list(let items): return "[" + Self.joined(items) + "]"
        case .dict(let entries):
            let parts = entries.keys.sorted().map { "'\($0)': \(entries[$0].map(\.description) ?? "")" }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }

    private static func joined(_ items: [PythonLiteral]) -> String {
        items.map(\.description).joined(separator: ", ")
    }
}

/// Why a header failed to parse, with the character offset where it happened.
struct LiteralError: Error, Equatable {
    var message: String
}
