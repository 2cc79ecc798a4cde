import ParleyDomain
import Testing

@Suite struct NameRulesTests {
    @Test(arguments: ["alice", "Bob_2", "x", "名前", "Ωmega-7", "देवनागरी", String(repeating: "a", count: 32)])
    func validNamesPass(_ name: String) throws {
        #expect(try NameRules.validate(name) == name.lowercased())
    }

    func code(_ name: String) -> ErrorCode? {
        do {
            try NameRules.validate(name)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func eachRuleHasItsCode() {
        #expect(code("") == .nameEmpty)
        #expect(code(String(repeating: "a", count: 33)) == .nameTooLong)
        #expect(code("two words") == .nameInvalid)
        #expect(code("tab\there") == .nameInvalid)
        #expect(code("bell\u{7}") == .nameInvalid)
        #expect(code("zero\u{200B}width") == .nameInvalid)
        #expect(code("dot.name") == .nameInvalid)
        #expect(code("emoji🎉") == .nameInvalid)
        #expect(code("\u{301}accent-first") == .nameInvalid)
    }

    @Test(arguments: ["robot", "System", "SERVER", "admin", "Parley"])
    func reservedNamesAreRefusedInAnyCase(_ name: String) {
        #expect(code(name) == .nameReserved)
    }

    @Test func composedAndDecomposedSpellingsShareAKey() {
        #expect(NameRules.key(for: "Zo\u{00EB}") == NameRules.key(for: "zoe\u{0308}"))
    }

    @Test func theRefusalSaysWhatIsWrong() {
        #expect(throws: DomainError.nameInvalid(.whiteSpace)) { try NameRules.validate("a b") }
        #expect(throws: DomainError.nameInvalid(.control(scalar: 7))) { try NameRules.validate("a\u{7}") }
        #expect(throws: DomainError.nameTooLong(characters: 33, max: 32)) { try NameRules.validate(String(repeating: "n", count: 33)) }
    }
}

@Suite struct TextRulesTests {
    func code(_ text: String, max: Int = 10) -> ErrorCode? {
        do {
            try MessageRules.validate(text, maxCharacters: max)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func messages() {
        #expect(code("hello") == nil)
        #expect(code("👩‍👩‍👧‍👦 family") == nil, "a grapheme cluster counts as one character")
        #expect(code("line\nline") == nil)
        #expect(code("") == .messageEmpty)
        #expect(code(" \n\t ") == .messageEmpty)
        #expect(code(String(repeating: "x", count: 11)) == .messageTooLong)
        #expect(code(String(repeating: "世", count: 10)) == nil)
        #expect(code("esc\u{1B}[2J") == .messageInvalid)
    }

    @Test func passwords() {
        #expect(throws: Never.self) { try PasswordRules.validate("12345678") }
        #expect(throws: DomainError.passwordTooShort(min: 8)) { try PasswordRules.validate("1234567") }
        #expect(throws: DomainError.passwordTooLong(maxBytes: 1024)) { try PasswordRules.validate(String(repeating: "p", count: 1025)) }
    }
}
