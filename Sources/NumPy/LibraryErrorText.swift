/// Words for an error thrown by a library whose errors are bare enum cases (ZIPFoundation's
/// `missingEndOfCentralDirectoryRecord`, `corruptedData`): a user reads "missing end of central directory
/// record", not a Swift identifier. Errors that describe themselves in words pass through unchanged.
public enum LibraryErrorText {
    public static func describe(_ error: any Error) -> String {
        var text = String(describing: error)
        // A case with associated values prints as `name(…)`: the name carries the meaning.
        if let parenthesis = text.firstIndex(of: "("), text.last == ")" { text = String(text[..<parenthesis]) }
        if let dot = text.lastIndex(of: "."), !text.contains(" ") { text = String(text[text.index(after: dot)...]) }
        guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber }), text.first?.isLowercase == true else {
            return String(describing: error)
        }
        var words = ""
        for character in text {
            if character.isUppercase, !words.isEmpty { words.append(" ") }
            words.append(Character(character.lowercased()))
        }
        return words
    }
}
