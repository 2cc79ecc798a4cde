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

    /// Every common spelling of the editing and function keys, whatever
    /// terminfo says (tmux sends `ESC [1~` for Home under xterm-256color).
    @Test(arguments: [
        ("\u{1B}[1~", "home"), ("\u{1B}[7~", "home"), ("\u{1B}[H", "home"), ("\u{1B}OH", "home"),
        ("\u{1B}[4~", "end"), ("\u{1B}[8~", "end"), ("\u{1B}[F", "end"), ("\u{1B}OF", "end"),
        ("\u{1B}[2~", "insert"), ("\u{1B}[3~", "delete"), ("\u{1B}[5~", "pageup"), ("\u{1B}[6~", "pagedown"),
        ("\u{1B}[1;5H", "ctrl-home"), ("\u{1B}[1;5F", "ctrl-end"), ("\u{1B}[7^", "other"), ("\u{1B}[1;5~", "ctrl-home"),
        ("\u{1B}[5;2~", "pageup"), ("\u{1B}[3;5~", "delete"), ("\u{1B}[1;3A", "up"), ("\u{1B}OA", "up"),
        ("\u{1B}OP", "f1"), ("\u{1B}[11~", "f1"), ("\u{1B}[[A", "f1"), ("\u{1B}[15~", "f5"), ("\u{1B}[[E", "f5"),
        ("\u{1B}[17~", "f6"), ("\u{1B}[21~", "f10"), ("\u{1B}[24~", "f12"), ("\u{1B}[Z", "shift-tab"),
    ])
    func escapeSequencesAreKeys(_ sequence: String, _ name: String) {
        let decoded = keys(chars(sequence))
        #expect(decoded == (name == "other" ? [] : [name]), "\(sequence.debugDescription)")
    }

    @Test func unknownSequencesAreDroppedWholeAndTypingGoesOn() {
        #expect(keys(chars("\u{1B}[99~a\u{1B}[1;2;3;4Xb\u{1B}[?1049hc")) == ["a", "b", "c"])
        // What used to type "1~" before a command.
        #expect(keys(chars("\u{1B}[1~/theme light")) == ["home"] + "/theme light".map { String($0) })
        // ESC [ or ESC O alone is Alt+[ or Alt+O.
        #expect(keys(chars("\u{1B}[")) == ["alt-["])
        #expect(keys(chars("\u{1B}O")) == ["alt-o"])
        // A raw bracketed paste is one paste too.
        #expect(keys(chars("\u{1B}[200~a\rb\u{1B}[201~x")) == ["paste(a\rb)", "x"])
    }

    @Test func keyNamesRoundTrip() {
        for key: Key in [.enter, .altEnter, .ctrl("w"), .alt("1"), .function(1), .pageUp, .ctrlHome, .escape] {
            #expect(Key(name: key.name) == key)
        }
        #expect(Key(name: "hyper-q") == nil)
    }
}
