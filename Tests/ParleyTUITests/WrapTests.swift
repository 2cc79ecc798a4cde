import Testing

@testable import ParleyTUI

/// Greedy wrapping by display width: every line as full as the next word allows.
@Suite struct WrapTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let text: String
        let width: Int
        let continuation: Int
        var testDescription: String { "\(text.prefix(24))… at \(width)/\(continuation)" }
    }

    static let words = (0..<80).map { String(format: "word%02d", $0) }.joined(separator: " ")
    static let cjk = String(repeating: "世界你好中文字符测试", count: 12)
    static let url = "see https://example.com/" + String(repeating: "x", count: 300) + " for more"
    static let emoji = String(repeating: "👩‍👩‍👧 👍🏽 e\u{301}cole ", count: 20)

    static let cases: [Case] = [
        Case(text: words, width: 74, continuation: 60),
        Case(text: words, width: 114, continuation: 100),
        Case(text: words, width: 40, continuation: 40),
        Case(text: cjk, width: 74, continuation: 61),
        Case(text: "mixed 中文 and English 中文字符 words " + cjk, width: 50, continuation: 43),
        Case(text: url, width: 74, continuation: 60),
        Case(text: emoji, width: 30, continuation: 25),
        Case(text: "short", width: 10, continuation: 8),
    ]

    /// The words of a text in order, as a reader sees them.
    func words(_ lines: [String]) -> String {
        lines.joined(separator: " ").split(separator: " ").joined(separator: " ")
    }

    @Test(arguments: cases)
    func linesAreFullAndNothingIsLost(_ c: Case) {
        let lines = TextWidth.wrap(c.text, width: c.width, continuation: c.continuation)
        for (index, line) in lines.enumerated() {
            let limit = index == 0 ? c.width : c.continuation
            #expect(TextWidth.of(line) <= limit, "line \(index) is \(TextWidth.of(line)) wide: \(line)")
            guard index + 1 < lines.count else { continue }
            // The next line's first word (or wide character) would not have fit here.
            let next = lines[index + 1]
            let firstWord = next.first.map { TextWidth.of($0) > 1 } == true
                ? String(next.first!) : String(next.prefix { $0 != " " })
            let joiner = (TextWidth.of(firstWord) > 1 && firstWord.count == 1) || line.last.map { TextWidth.of($0) > 1 } == true ? 0 : 1
            #expect(TextWidth.of(line) + joiner + TextWidth.of(firstWord) > limit || TextWidth.of(firstWord) > c.continuation,
                    "line \(index) is short: \(line.debugDescription), next \(next.debugDescription)")
        }
        // CJK breaks join without spaces; compare without them there.
        let expected = c.text.split(separator: " ").joined(separator: " ")
        #expect(words(lines).replacingOccurrences(of: " ", with: "") == expected.replacingOccurrences(of: " ", with: ""))
        if !c.text.contains(where: { TextWidth.of($0) > 1 }) {
            #expect(words(lines) == expected || c.text == Self.url)
        }
    }

    @Test func theExamplesOfTheIssue() {
        // 80 columns less a 6-column stamp, continuations hanging under the text.
        let lines = TextWidth.wrap(Self.words, width: 74, continuation: 60)
        #expect(lines[0] == (0..<10).map { String(format: "word%02d", $0) }.joined(separator: " "))
        #expect(lines.dropLast().allSatisfy { $0.split(separator: " ").count >= 8 }, "\(lines)")
        // A long word starts where the line has room and breaks only where it must.
        let url = TextWidth.wrap("see https://example.com/" + String(repeating: "x", count: 100), width: 40, continuation: 40)
        let x = { String(repeating: "x", count: $0) }
        #expect(url == ["see https://example.com/" + x(16), x(40), x(40), x(4)])
        // A word that fits a line goes to the next one whole.
        #expect(TextWidth.wrap("aaaa bbbbbbbb", width: 10) == ["aaaa", "bbbbbbbb"])
        // Indentation at the start of a paragraph stays; spaces at a break go.
        #expect(TextWidth.wrap("  code\n    more", width: 20) == ["  code", "    more"])
        #expect(TextWidth.wrap("one two", width: 4) == ["one", "two"])
        // A ZWJ family and a flag are single clusters of two columns.
        #expect(TextWidth.wrap("👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧", width: 4) == ["👩‍👩‍👧👩‍👩‍👧", "👩‍👩‍👧"])
    }

    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 120, rows: 36)])
    func aLongMessageOnScreenHasNoStrayOneWordLines(_ size: Size) {
        let state = Fixture.chat(size: size, history: [Fixture.message(1, from: "bob", Self.words)])
        let screen = GridScreen(columns: size.columns, rows: size.rows)
        render(state, on: screen)
        let layout = Layout(size: size, inputLines: 1)
        let rows = (layout.conversationTop..<layout.separatorRow).map {
            String(screen.text(row: $0).prefix(layout.conversationColumns))
        }.filter { $0.contains("word") }
        #expect(rows.first?.hasPrefix("12:34 bob: word00") == true)
        #expect(rows.last?.contains("word79") == true)
        // Every row but the last is full: no word of the next row would fit.
        for row in rows.dropLast() {
            let used = row.trimmingCharacters(in: .whitespaces).count + (row.prefix { $0 == " " }.count)
            #expect(used + 7 > layout.conversationColumns, "a short row: \(row.debugDescription)")
        }
    }
}
