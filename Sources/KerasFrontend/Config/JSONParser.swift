import Foundation

/// A recursive-descent parser for the JSON that Keras writes: RFC 8259 plus Python's `NaN`, `Infinity`
/// and `-Infinity`. Foundation's JSONDecoder took a tenth of a ResNet-50 conversion on its 150 KB config,
/// most of it in errors thrown while `JSONValue` tried one type after another.
struct JSONParser {
    private let bytes: [UInt8]
    private var at = 0
    private var depth = 0
    /// Deeper nesting than any Keras config needs; stops a hostile file from exhausting the stack.
    static let maxDepth = 512
    private static let simpleEscapes: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C,
                                                        0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09]
    private static let numberBytes = Set("0123456789+-.eE".utf8)

    struct Failure: Error, CustomStringConvertible {
        let offset: Int
        let what: String
        var description: String { "\(what) at byte \(offset)" }
    }

    static func parse(_ data: Data) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.at == parser.bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ what: String) -> Failure { Failure(offset: at, what: what) }

    private mutating func skipSpace() {
        while at < bytes.count {
            let byte = bytes[at]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
            at += 1
        }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        skipSpace()
        guard at < bytes.count else { throw failure("unexpected end of text") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try nested { (p: inout JSONParser) throws(Failure) in try p.object() }
        case UInt8(ascii: "["): return try nested { (p: inout JSONParser) throws(Failure) in try p.array() }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "N"): try word("NaN"); return .number(.nan)
        case UInt8(ascii: "I"): try word("Infinity"); return .number(.infinity)
        default: return .number(try number())
        }
    }

    private mutating func nested(_ body: (inout JSONParser) throws(Failure) -> JSONValue) throws(Failure) -> JSONValue {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw failure("nested more than \(Self.maxDepth) deep") }
        return try body(&self)
    }

    private mutating func word(_ text: StaticString) throws(Failure) {
        let count = text.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: text.utf8Start, count: count)
        guard at + count <= bytes.count, bytes[at..<(at + count)].elementsEqual(expected) else {
            throw failure("unexpected character")
        }
        at += count
    }

    private mutating func object() throws(Failure) -> JSONValue {
        at += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
        while true {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw failure("expected a member name") }
            let key = try string()
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            at += 1
            members[key] = try value()
            guard try endOfItem(closing: "}") else { continue }
            return .object(members)
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        at += 1
        var items: [JSONValue] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
        while true {
            items.append(try value())
            guard try endOfItem(closing: "]") else { continue }
            return .array(items)
        }
    }

    /// After an item: true at the closing bracket, false at a comma (both consumed).
    private mutating func endOfItem(closing: Unicode.Scalar) throws(Failure) -> Bool {
        skipSpace()
        guard at < bytes.count else { throw failure("unexpected end of text") }
        let byte = bytes[at]
        at += 1
        if byte == UInt8(ascii: ",") { return false }
        if byte == UInt8(ascii: closing) { return true }
        at -= 1
        throw failure("expected ',' or '\(closing)'")
    }

    private mutating func string() throws(Failure) -> String {
        at += 1
        let start = at
        // The common case, no escapes: one slice of the buffer.
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") {
            guard bytes[at] >= 0x20 else { throw failure("control character in a string") }
            at += 1
        }
        guard at < bytes.count else { throw failure("unterminated string") }
        if bytes[at] == UInt8(ascii: "\"") {
            at += 1
            return String(decoding: bytes[start..<(at - 1)], as: UTF8.self)
        }
        var text = [UInt8](bytes[start..<at])
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &text)
            case ..<0x20: throw failure("control character in a string")
            default: text.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func escape(into text: inout [UInt8]) throws(Failure) {
        guard at < bytes.count else { throw failure("unterminated string") }
        let byte = bytes[at]
        at += 1
        if let replacement = Self.simpleEscapes[byte] {
            text.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw failure("unknown escape") }
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
            at += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        // A lone surrogate is not a scalar: U+FFFD, as Python's decoder with errors="replace" would give.
        text.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard at + 4 <= bytes.count else { throw failure("short \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[at..<(at + 4)] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { throw failure("bad \\u escape") }
            value = value * 16 + UInt32(digit)
        }
        at += 4
        return value
    }

    private mutating func number() throws(Failure) -> Double {
        let start = at
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "I") {
                try word("Infinity")
                return -.infinity
            }
        }
        while at < bytes.count, Self.numberBytes.contains(bytes[at]) { at += 1 }
        guard at > start, let value = Double(String(decoding: bytes[start..<at], as: UTF8.self)) else {
            at = start
            throw failure("unexpected character")
        }
        return value
    }
}
