import ParleyIRC
import Testing

@Suite struct IRCMessageTests {
    @Test func aPlainCommandWithATrailingParameter() throws {
        let message = try IRCMessage.parse("PRIVMSG #lobby :hello there")
        #expect(message == IRCMessage("PRIVMSG", ["#lobby", "hello there"]))
    }

    @Test func tagsSourceAndParameters() throws {
        let message = try IRCMessage.parse("@time=2026-11-30T12:00:00.000Z;+draft/reply=7;flag :alice!alice@parley privmsg #dev hi")
        #expect(message.source == "alice!alice@parley")
        #expect(message.command == "PRIVMSG")
        #expect(message.parameters == ["#dev", "hi"])
        #expect(message.tag("time") == "2026-11-30T12:00:00.000Z")
        #expect(message.tag("+draft/reply") == "7")
        #expect(message.hasTag("flag") && message.tag("flag") == nil)
    }

    @Test func tagValuesAreUnescaped() throws {
        let message = try IRCMessage.parse(#"@k=a\:b\sc\\d\r\n\x;e= PING x"#)
        #expect(message.tag("k") == "a;b c\\d\r\nx")
        #expect(message.hasTag("e") && message.tag("e") == nil)
    }

    @Test func aTrailingParameterMayBeEmptyOrStartWithAColon() throws {
        #expect(try IRCMessage.parse("TOPIC #dev :").parameters == ["#dev", ""])
        #expect(try IRCMessage.parse("PRIVMSG bob ::)").parameters == ["bob", ":)"])
    }

    @Test func extraSpacesBetweenParametersDoNotMakeEmptyOnes() throws {
        #expect(try IRCMessage.parse("  USER  bob 0   * :Bob B").parameters == ["bob", "0", "*", "Bob B"])
    }

    @Test func theFifteenthParameterTakesTheRestOfTheLine() throws {
        let line = "CMD " + (1...14).map(String.init).joined(separator: " ") + " fifteen and more"
        let message = try IRCMessage.parse(Substring(line))
        #expect(message.parameters.count == 15)
        #expect(message.parameters.last == "fifteen and more")
    }

    @Test func numericsAndBadCommands() throws {
        #expect(try IRCMessage.parse(":server 001 bob :Welcome").command == "001")
        #expect(throws: IRCParseError.badCommand("PRIV$MSG")) { try IRCMessage.parse("PRIV$MSG x") }
        #expect(throws: IRCParseError.empty) { try IRCMessage.parse("   ") }
        #expect(throws: IRCParseError.noCommand) { try IRCMessage.parse(":source") }
    }

    @Test func theFiveHundredAndTwelveByteRuleCountsTheLineWithoutTags() throws {
        // 510 bytes and CR LF fit; one more does not. ("\r\n" is one Character.)
        let fits = "PRIVMSG #a :" + String(repeating: "x", count: 510 - 12)
        #expect(try IRCMessage.parse(Substring(fits)).parameters[1].count == 498)
        #expect(throws: IRCParseError.tooLong(bytes: 513, max: 512)) { try IRCMessage.parse(Substring(fits + "x")) }
        // Tags do not count towards the 512, but have a budget of their own.
        let tagged = "@a=" + String(repeating: "t", count: 1000) + " " + fits
        #expect(try IRCMessage.parse(Substring(tagged)).tag("a")?.count == 1000)
        let tooManyTags = "@a=" + String(repeating: "t", count: 4100) + " PING x"
        #expect(throws: IRCParseError.tagsTooLong(bytes: 4104, max: 4096)) { try IRCMessage.parse(Substring(tooManyTags)) }
    }

    @Test func serializingPutsTheColonWhereItIsNeeded() {
        #expect(IRCMessage("PRIVMSG", ["#dev", "hi"]).line == "PRIVMSG #dev hi\r\n")
        #expect(IRCMessage("PRIVMSG", ["#dev", "hi there"]).line == "PRIVMSG #dev :hi there\r\n")
        #expect(IRCMessage("PRIVMSG", ["#dev", ":)"]).line == "PRIVMSG #dev ::)\r\n")
        #expect(IRCMessage("TOPIC", ["#dev", ""]).line == "TOPIC #dev :\r\n")
        #expect(IRCMessage(source: "irc.parley", "001", ["bob", "Welcome"]).line == ":irc.parley 001 bob Welcome\r\n")
    }

    @Test func serializingEscapesTagsAndNeverLetsTextStartALine() throws {
        let message = IRCMessage(tags: [.init("k", "a;b c\\"), .init("flag")], source: "a!a@parley", "PRIVMSG", ["#x", "one\r\nQUIT :gone\0"])
        #expect(message.line == "@k=a\\:b\\sc\\\\;flag :a!a@parley PRIVMSG #x :one  QUIT :gone \r\n")
        let back = try IRCMessage.parse(Substring(message.line.dropLast()))
        #expect(back.tag("k") == "a;b c\\")
    }

    /// Found by the fuzzer: "\r\n" is one Character, which a loop over
    /// Characters wrote unescaped, ending the line inside a tag.
    @Test func aTagValueWithCRLFIsEscapedNotWrittenAsALineBreak() throws {
        let message = IRCMessage(tags: [.init("k", "a\r\nQUIT")], "PING", ["x"])
        #expect(message.line == "@k=a\\r\\nQUIT PING x\r\n")
        #expect(try IRCMessage.parse(#"@k=a\r\n\x PING x"#).tag("k") == "a\r\nx")
    }

    @Test func aTagWithoutAKeyIsDropped() throws {
        #expect(try IRCMessage.parse(#"@k=v;=\;=x PING x"#).tags == [.init("k", "v")])
    }

    @Test func whatIsSerializedParsesBack() throws {
        let messages = [
            IRCMessage(tags: [.init("time", "2026-01-01T00:00:00.000Z")], source: "s", "PRIVMSG", ["#a", "é ü 漢字 🎉"]),
            IRCMessage("JOIN", ["#dev"]),
            IRCMessage(source: "irc.parley", "353", ["bob", "=", "#lobby", "alice bob robot"]),
        ]
        for message in messages {
            #expect(try IRCMessage.parse(Substring(message.line.dropLast())) == message)
        }
    }
}

@Suite struct TextSplitterTests {
    @Test func eachLineIsAPieceAndBlankLinesAreLeftOut() {
        #expect(TextSplitter.pieces(of: "one\ntwo\r\n\nthree", maxBytes: 100) == ["one", "two", "three"])
    }

    @Test func aLongLineIsCutAtSpacesWithinTheBudget() {
        let pieces = TextSplitter.pieces(of: "aaaa bbbb cccc dddd", maxBytes: 10)
        #expect(pieces == ["aaaa bbbb", "cccc dddd"])
        #expect(pieces.allSatisfy { $0.utf8.count <= 10 })
    }

    @Test func withoutSpacesItIsCutBetweenCharactersNeverInsideOne() {
        let text = String(repeating: "é", count: 9) + "🎉🎉"  // 2 bytes each, then 4
        let pieces = TextSplitter.pieces(of: text, maxBytes: 7)
        #expect(pieces.joined() == text)
        #expect(pieces.allSatisfy { $0.utf8.count <= 7 })
        #expect(pieces.first == "ééé")
    }

    @Test func aCharacterWiderThanTheBudgetIsCutByScalars() {
        let stacked = "a" + String(repeating: "\u{301}", count: 10)  // 21 bytes, one character
        let pieces = TextSplitter.pieces(of: stacked, maxBytes: 8)
        #expect(pieces.joined().unicodeScalars.count == stacked.unicodeScalars.count)
        #expect(pieces.allSatisfy { $0.utf8.count <= 8 && !$0.isEmpty })
    }
}

@Suite struct IRCTimeTests {
    @Test func writesAndReadsServerTime() {
        let millis: Int64 = 1_796_168_225_123  // 2026-12-01T…
        let text = IRCTime.text(millis: millis)
        #expect(text.hasSuffix("Z") && text.count == 24)
        #expect(IRCTime.millis(text) == millis)
        #expect(IRCTime.text(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(IRCTime.millis("2026-11-30T23:37:05Z") == IRCTime.millis("2026-11-30T23:37:05.000Z"))
        #expect(IRCTime.millis("2026-11-30T23:37:05.5Z")! % 1000 == 500)
        #expect(IRCTime.millis("2026-11-30T23:37:05.123456Z")! % 1000 == 123)
        #expect(IRCTime.text(millis: IRCTime.millis("2000-02-29T12:34:56.789Z")!) == "2000-02-29T12:34:56.789Z")
    }

    @Test func refusesWhatIsNotATime() {
        for bad in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-30 23:37:05Z", "2026-11-30T23:37:05.Z", "2026-11-30T23:37:05Zx"] {
            #expect(IRCTime.millis(bad) == nil, "\(bad)")
        }
    }
}
