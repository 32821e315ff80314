import Testing
@testable import NumPy

@Suite struct PythonLiteralTests {
    @Test func parsesNumPysHeaderDict() throws {
        let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }          \n"
        #expect(try PythonLiteral.parse(text) == .dict([
            "descr": .string("<f4"), "fortran_order": .boolean(false), "shape": .tuple([.integer(2), .integer(3)]),
        ]))
    }

    @Test func distinguishesTuplesFromParentheses() throws {
        #expect(try PythonLiteral.parse("()") == .tuple([]))
        #expect(try PythonLiteral.parse("(5,)") == .tuple([.integer(5)]))
        #expect(try PythonLiteral.parse("(5)") == .integer(5))
    }

    @Test func readsListsNoneSignsSuffixesAndEscapes() throws {
        let list = try PythonLiteral.parse("[None, -3, +4L, True]")
        #expect(list == .list([.none, .integer(-3), .integer(4), .boolean(true)]))
        #expect(try PythonLiteral.parse(#"'it\'s'"#) == .string("it's"))
        #expect(try PythonLiteral.parse(#""a'b""#) == .string("a'b"))
    }

    @Test func describesValuesAsPythonReprDoes() throws {
        let literal = try PythonLiteral.parse("[('x', '<i4'), ('y', (3,))]")
        #expect(literal.description == "[('x', '<i4'), ('y', (3,))]")
    }

    @Test(arguments: ["", "{", "{'a' 1}", "{'a': 1,,}", "(1 2)", "'open", "1.5", "0x10", "nan", "{'a': }",
                      "99999999999999999999", "[1] [2]", "{1: 2}"])
    func rejectsMalformedText(text: String) {
        #expect(throws: LiteralError.self) { try PythonLiteral.parse(text) }
    }

    @Test func capsNesting() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: LiteralError.self) { try PythonLiteral.parse(deep) }
        let fine = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(try PythonLiteral.parse(fine) != .none)
    }
}
