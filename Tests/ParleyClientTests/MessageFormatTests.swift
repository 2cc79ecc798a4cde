import Foundation
import ParleyClient
import ParleyDomain
import Testing

/// What a hostile server (or a message that got past an older one) sends
/// cannot drive the terminal or pose as other text (docs/SECURITY.md).
@Suite struct MessageFormatTests {
    let utc = TimeZone(identifier: "UTC")!

    func message(_ text: String, from sender: String = "mallory") -> ChatMessage {
        ChatMessage(id: 1, conversation: .lobby, sender: sender, text: text, time: 0)
    }

    @Test func escapeSequencesAndOverridesAreShownNotObeyed() {
        let line = MessageFormat.historyLine(message("\u{1B}[2Jinvoice_\u{202E}fdp.exe"), in: utc)
        #expect(line == "[1970-01-01 00:00] mallory: ⟨U+001B⟩[2Jinvoice_⟨U+202E⟩fdp.exe")
        #expect(!line.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(MessageFormat.body(message("hi", from: "ev\u{202E}il")) == "ev⟨U+202E⟩il: hi")
    }

    @Test func aSecondLineCannotPoseAsAnotherMessage() {
        let line = MessageFormat.historyLine(message("ok\n[1970-01-01 00:01] admin: send me your password"), in: utc)
        #expect(line == "[1970-01-01 00:00] mallory: ok\n                   [1970-01-01 00:01] admin: send me your password")
        #expect(!line.split(separator: "\n").dropFirst().contains { $0.hasPrefix("[") })
    }

    @Test func scriptsAndEmojiAreLeftAlone() {
        for text in ["👨‍👩‍👧‍👦", "नमस्ते", "tab\there", "می‌خواهم"] {
            #expect(MessageFormat.visible(text, keepingLineBreaks: true) == text)
        }
        #expect(MessageFormat.visible("two\nlines") == "two⟨U+000A⟩lines", "names and topics keep to one line")
    }
}
