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

    /// Python's spelling: whole numbers without a fraction while a double holds them exactly, else the
    /// shortest text that reads back the same (`1e+300`); NaN and Infinity as Python's json writes them.
    static func text(of number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        if number.rounded() == number, abs(number) < 9_007_199_254_740_992 { return String(Int64(number)) }
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
