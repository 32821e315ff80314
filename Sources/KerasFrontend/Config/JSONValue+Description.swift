import Foundation

/// Errors quote config values as JSON text, the way the user's file spells them (`[0, 2]`, `4.6e+18`,
/// `NaN`), never as the Swift enum (`JSONValue.number(4.6e+18)`).
extension JSONValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return Self.text(of: number)
        case .string(let text): return Self.quoted(text)
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { "\(Self.quoted($0)): \(members[$0]?.description ?? "null")" }
                .joined(separator: ", ") + "}"
        }
    }

    /// As Python's json writes it: whole numbers that fit an Int64 in digits (Keras writes sizes and axes
    /// as Python ints, so 2^62 reads back as 4611686018427387904), other numbers in the shortest text that
    /// reads back the same (`0.001`, `1e+300`), NaN and Infinity by name.
    static func text(of number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        if let whole = Int64(exactly: number) { return String(whole) }
        return "\(number)"
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
