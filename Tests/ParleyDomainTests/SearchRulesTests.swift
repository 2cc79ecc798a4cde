import ParleyDomain
import Testing

@Suite struct SearchRulesTests {
    @Test func wordsAreSplitOnSpaceOnceEachAndCheckedAgainstTheLimits() throws {
        #expect(try SearchRules.words(of: "  deploy  failed deploy\n") == ["deploy", "failed"])
        #expect(throws: DomainError.searchEmpty) { try SearchRules.words(of: " \t ") }
        #expect(throws: DomainError.searchTooLong(characters: 201, max: 200)) { try SearchRules.words(of: String(repeating: "x", count: 201)) }
        #expect(throws: DomainError.searchTooManyWords(max: 8)) { try SearchRules.words(of: (1...9).map { "w\($0)" }.joined(separator: " ")) }
        #expect(throws: DomainError.searchInvalid) { try SearchRules.words(of: "a\u{1B}[2J") }
    }

    @Test func aSnippetKeepsTheTextAroundTheFirstMatchAndMarksEveryMatchInIt() {
        let long = String(repeating: "a", count: 60) + " Deploy then deploy again " + String(repeating: "z", count: 60)
        let parts = SearchRules.snippet(of: long, matching: ["deploy"])
        #expect(parts.first == SnippetPart("…") && parts.last == SnippetPart("…"))
        #expect(parts.filter(\.isMatch).map(\.text) == ["Deploy", "deploy"])
        #expect(parts.map(\.text).joined().count == 1 + 40 + 6 + 40 + 1, "40 characters each side of the first match")
        // Lines become one; a text without the match (found by another word's short form) is its start.
        #expect(SearchRules.snippet(of: "one\ntwo", matching: ["two"]) == [SnippetPart("one "), SnippetPart("two", isMatch: true)])
        #expect(SearchRules.snippet(of: "東京で会いましょう", matching: ["会い"]).filter(\.isMatch).map(\.text) == ["会い"])
    }
}
