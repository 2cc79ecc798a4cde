import ParleyDomain
import ParleyIRC
import Testing

@Suite struct IRCWordsTests {
    let message = ChatMessage(id: 42, conversation: .lobby, sender: "alice", text: "hello", time: 0)

    @Test func aRoomMessageIsAPrivmsgToItsChannelWithTheTagsAskedFor() throws {
        let plain = try #require(IRCWords.roomLines(for: .message(message), profile: []))
        #expect(plain.map(\.line) == [":alice!alice@parley PRIVMSG #lobby hello\r\n"])
        let tagged = try #require(IRCWords.roomLines(for: .message(message), profile: [.time, .messageID, .account]))
        #expect(tagged.map(\.line) == ["@time=1970-01-01T00:00:00.000Z;msgid=42;account=alice :alice!alice@parley PRIVMSG #lobby hello\r\n"])
    }

    @Test func aMessageOfSeveralLinesIsSeveralPrivmsgsAndALongOneIsCutToFit() throws {
        let long = ChatMessage(id: 7, conversation: .lobby, sender: "alice", text: "one\n" + String(repeating: "word ", count: 300), time: 0)
        let lines = try #require(IRCWords.roomLines(for: .message(long), profile: [.messageID]))
        #expect(lines.count == 5)
        #expect(lines[0].parameters[1] == "one")
        #expect(lines.map { $0.tag("msgid") } == ["7", "7-1", "7-2", "7-3", "7-4"])
        for line in lines {
            let bytes = line.line.utf8.count - (line.line.firstIndex(of: " ").map { line.line[...$0].utf8.count } ?? 0)
            #expect(bytes <= 512)
        }
        #expect(lines.dropFirst().map { $0.parameters[1] }.joined(separator: " ") == String(repeating: "word ", count: 300))
        #expect(MessageID.id("7-3") == 7)
    }

    @Test func actionsAndFilesAreCTCPActions() throws {
        let action = ChatMessage(id: 1, conversation: .lobby, sender: "bob", text: "/me waves", time: 0)
        #expect(IRCWords.roomLines(for: .message(action), profile: [])?.first?.parameters[1] == "\u{1}ACTION waves\u{1}")
        let file = FileInfo(id: 9, conversation: .lobby, name: "notes.txt", size: 2048, sha256: "", type: .text, sender: "bob", time: 0)
        let shared = ChatMessage(id: 2, conversation: .lobby, sender: "bob", text: "", time: 0, file: file)
        let text = try #require(IRCWords.roomLines(for: .message(shared), profile: [])?.first?.parameters[1])
        #expect(text.hasPrefix("\u{1}ACTION shared notes.txt, 2.0 KiB"))
        #expect(text.contains("parley download 9"))
    }

    @Test func presenceAndTopicsInIRCWords() {
        #expect(IRCWords.roomLines(for: .joined(conversation: .lobby, user: "bob", newMember: false), profile: [])?.first?.line
            == ":bob!bob@parley JOIN #lobby\r\n")
        #expect(IRCWords.roomLines(for: .left(conversation: .lobby, user: "bob", reason: .timedOut, stillMember: true), profile: [])?.first?.line
            == ":bob!bob@parley QUIT :Ping timeout\r\n")
        #expect(IRCWords.roomLines(for: .left(conversation: .lobby, user: "bob", reason: .leftRoom, stillMember: false), profile: [])?.first?.command
            == "PART")
        #expect(IRCWords.roomLines(for: .topic(conversation: .lobby, topic: "be kind", by: "alice"), profile: [])?.first?.line
            == ":alice!alice@parley TOPIC #lobby :be kind\r\n")
        // Said by each session in its own way.
        #expect(IRCWords.roomLines(for: .friendRequest(from: "x"), profile: []) == nil)
        let direct = ChatMessage(id: 3, conversation: .direct("bob"), sender: "alice", text: "hi", time: 0)
        #expect(IRCWords.roomLines(for: .message(direct), profile: []) == nil)
    }

    @Test func whatAnIRCUserWritesBecomesParleyText() {
        #expect(IRCWords.parleyText(from: "plain") == "plain")
        #expect(IRCWords.parleyText(from: "\u{1}ACTION waves\u{1}") == "/me waves")
        #expect(IRCWords.parleyText(from: "\u{1}VERSION\u{1}") == nil)
        #expect(IRCWords.parleyText(from: "\u{2}bold\u{2} \u{3}4,12red\u{3} \u{3}1,x \u{1D}it\u{F} \u{4}FF00AAhex") == "bold red ,x it hex")
    }
}
