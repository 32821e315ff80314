import Foundation
import ONNX

/// RegexFullMatch (20): for each string of X, whether the whole string matches `pattern`; the output is
/// a bool tensor of X's shape.
///
/// Why Foundation's regular expressions: the spec names RE2 syntax, which has no Swift implementation
/// here; ICU (behind NSRegularExpression) accepts the RE2 constructs models use (classes, \w \W \b,
/// groups, alternation, counted repetition). The pattern is wrapped as `\A(?:pattern)\z` so it must span
/// the whole string, like RE2::FullMatch, rather than the first leftmost match.
enum RegexFullMatchKernels {
    static let registrations = [KernelRegistration("RegexFullMatch", since: 20) { node in
        let pattern = try node.required("pattern", node.string)
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: "\\A(?:\(pattern))\\z")
        } catch {
            throw KernelError("pattern '\(pattern)' is not a valid regular expression")
        }
        return RegexFullMatchKernel(regex: RegexBox(regex))
    }]
}

/// NSRegularExpression is immutable and documented thread-safe, but not marked Sendable.
struct RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

struct RegexFullMatchKernel: Kernel {
    let regex: RegexBox

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try TextArgs.strings(inputs, 0, "X")
        return [.tensor(TensorValue(shape: x.tensor.shape, values: x.values.map(regex.matches)))]
    }
}
