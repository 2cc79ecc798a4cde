import ParleyClient
import ParleyTUI
import Testing

@Suite struct KeyDecoderTests {
    func keys(_ burst: [RawInput]) -> [String] {
        var decoder = KeyDecoder()
        return decoder.decode(burst).map { action in
            switch action {
            case .key(let key): key.name
            case .paste(let text): "paste(\(text))"
            default: "other"
            }
        }
    }

    func chars(_ text: String) -> [RawInput] { text.unicodeScalars.map { .character($0.value) } }

    @Test func controlKeysAndEnter() {
        #expect(keys(chars("\u{1}\u{5}\u{17}\u{15}\u{b}\r\t\u{7f}")) == ["ctrl-a", "ctrl-e", "ctrl-w", "ctrl-u", "ctrl-k", "enter", "tab", "backspace"])
    }

    @Test func escapeFollowedByAKeyIsAlt() {
        #expect(keys([.character(27), .character(13)]) == ["alt-enter"])
        #expect(keys([.character(27), .character(65)]) == ["alt-a"])
        #expect(keys([.character(27)]) == ["esc"])
        #expect(keys([.character(27), .character(27)]) == ["esc", "esc"])
    }

    @Test func aBracketedPasteIsOneActionWithItsNewlines() {
        let burst: [RawInput] = [.pasteStart] + chars("line one\rline two\n世界") + [.pasteEnd] + chars("x")
        #expect(keys(burst) == ["paste(line one\rline two\n世界)", "x"])
    }

    @Test func aPasteSplitOverBurstsStillEndsAsOne() {
        var decoder = KeyDecoder()
        let first = decoder.decode([.pasteStart] + chars("abc"))
        let second = decoder.decode(chars("\rdef") + [.pasteEnd])
        #expect(first.isEmpty)
        guard case .paste(let text)? = second.first else {
            Issue.record("no paste")
            return
        }
        #expect(text == "abc\rdef")
    }

    @Test func keyNamesRoundTrip() {
        for key: Key in [.enter, .altEnter, .ctrl("w"), .alt("1"), .function(1), .pageUp, .ctrlHome, .escape] {
            #expect(Key(name: key.name) == key)
        }
        #expect(Key(name: "hyper-q") == nil)
    }
}
