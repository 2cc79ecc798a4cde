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

    /// Cyrillic о, fullwidth letters, a digit zero, a Greek ο, and cross-case
    /// look-alikes are the reserved names all the same.
    @Test(arguments: ["r\u{043E}bot", "\u{FF41}\u{FF44}\u{FF4D}\u{FF49}\u{FF4E}", "r0bot", "R\u{03BF}BOT", "adm\u{0456}n", "parIey"])
    func lookAlikesOfReservedNamesAreReserved(_ name: String) {
        #expect(code(name) == .nameReserved)
    }

    @Test func namesThatLookAlikeShareASkeletonAndOthersDoNot() {
        #expect(NameRules.skeleton(for: "aIice") == NameRules.skeleton(for: "alice"))
        #expect(NameRules.skeleton(for: "\u{0430}lice") == NameRules.skeleton(for: "alice"))
        #expect(NameRules.skeleton(for: "Alice") == NameRules.skeleton(for: "alice"))
        #expect(NameRules.skeleton(for: "alice") != NameRules.skeleton(for: "alina"))
        #expect(NameRules.skeleton(for: "名前") != NameRules.skeleton(for: "名字"))
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

/// Budgets in bytes and marks, not only characters: one "character" of a
/// letter and 32,000 accents once passed a 4,000-character limit.
@Suite struct TextBudgetTests {
    let budget = TextBudget(characters: 4000, bytes: 16000, marksPerCharacter: 6)

    @Test func aLetterWithThousandsOfAccentsIsRefused() {
        let zalgo = "a" + String(repeating: "\u{0301}", count: 32_000)
        #expect(zalgo.count == 1)
        #expect(throws: DomainError.messageTooManyBytes(bytes: zalgo.utf8.count, max: 16000)) {
            try MessageRules.validate(zalgo, within: budget)
        }
        let stacked = "a" + String(repeating: "\u{0301}", count: 7)
        #expect(throws: DomainError.messageMarksStacked(max: 6)) { try MessageRules.validate(stacked, within: budget) }
    }

    @Test func realScriptsAndEmojiPass() throws {
        // Vietnamese decomposed, Hindi, a family emoji with joiners, a flag.
        for text in ["Vie\u{0323}\u{0302}t Nam", "नमस्ते", "👨‍👩‍👧‍👦", "🇫🇷", String(repeating: "é", count: 4000)] {
            try MessageRules.validate(text, within: budget)
        }
    }

    @Test func aTopicCannotReorderOrHideWhatItShows() throws {
        let topic = TextBudget(characters: 300, bytes: 1200, marksPerCharacter: 6)
        for scalar: UInt32 in [0x202E, 0x2066, 0x2069, 0x2028, 0x2029, 0x200B, 0xFEFF] {
            let text = "invoice" + String(UnicodeScalar(scalar)!) + "fdp.exe"
            #expect(throws: DomainError.topicInvalid(scalar: scalar)) { try TopicRules.validate(text, within: topic) }
        }
        try TopicRules.validate("👩‍💻 builds", within: topic)
        // Sixty characters, but each family is 25 bytes.
        let families = String(repeating: "👨‍👩‍👧‍👦", count: 60)
        #expect(families.count == 60)
        #expect(throws: DomainError.topicTooManyBytes(bytes: 1500, max: 1200)) { try TopicRules.validate(families, within: topic) }
    }

    @Test func namesHaveAByteCapAndFewMarks() {
        #expect(throws: DomainError.nameInvalid(.marksStacked(max: 4))) { try NameRules.validate("a" + String(repeating: "\u{0301}", count: 5)) }
        #expect(throws: DomainError.nameInvalid(.control(scalar: 0x202E))) { try NameRules.validate("ab\u{202E}c") }
    }
}
