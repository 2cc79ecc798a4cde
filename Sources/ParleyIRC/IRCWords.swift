import ParleyDomain

/// Domain events and values in the IRC door's words: a message as the
/// PRIVMSG lines that carry it, presence as JOIN, PART and QUIT, a topic as
/// TOPIC. Whatever depends on who reads it (a private message names its
/// recipient) is left to the session.
public enum IRCWords {
    /// The lines of a room's event, the same for every recipient with the
    /// same tags; nil for an event each session says in its own way.
    /// `fromGuest`: a message's sender is a guest.
    public static func roomLines(for event: ChatEvent, profile: TagProfile, fromGuest: Bool = false) -> [IRCMessage]? {
        switch event {
        case .message(let message) where message.conversation.directPeer == nil:
            return messageLines(message, target: IRCNames.channel(message.conversation), profile: profile, fromGuest: fromGuest)
        case .joined(let conversation, let user, _, let guest):
            return [IRCMessage(source: IRCNames.mask(user, guest: guest), "JOIN", [IRCNames.channel(conversation)])]
        case .left(let conversation, let user, let reason, let stillMember):
            if stillMember {
                return [IRCMessage(source: IRCNames.mask(user), "QUIT", [quitReason(reason)])]
            }
            return [IRCMessage(source: IRCNames.mask(user), "PART", [IRCNames.channel(conversation), "left"])]
        case .topic(let conversation, let topic, let by):
            return [IRCMessage(source: IRCNames.mask(by), "TOPIC", [IRCNames.channel(conversation), topic])]
        case .away(let user, let text):
            return [IRCMessage(source: IRCNames.mask(user), "AWAY", text.map { [$0] } ?? [])]
        default:
            return nil
        }
    }

    public static func quitReason(_ reason: Departure) -> String {
        switch reason {
        case .quit: "Quit"
        case .connectionLost: "Connection lost"
        case .timedOut: "Ping timeout"
        case .tooSlow: "Too slow to read"
        case .serverShuttingDown: "Server shutting down"
        case .leftRoom: "Left"
        case .replaced: "Logged in elsewhere"
        }
    }

    /// A message as PRIVMSG lines to `target`: each line of its text a
    /// line, cut where longer than IRC carries; `/me` as a CTCP ACTION; a
    /// file as an ACTION that says how to fetch it. A guest's lines have
    /// its host and no account tag: it has no account.
    public static func messageLines(
        _ message: ChatMessage, target: String, profile: TagProfile, command: String = "PRIVMSG", fromGuest: Bool = false
    ) -> [IRCMessage] {
        let source = IRCNames.mask(message.sender, guest: fromGuest)
        let (text, action) = spoken(message)
        // `:source COMMAND target :` and CR LF around the text; an ACTION's wrapping inside it.
        let overhead = 1 + source.utf8.count + 1 + command.utf8.count + 1 + target.utf8.count + 2 + 2 + (action ? 9 : 0)
        let pieces = TextSplitter.pieces(of: text, maxBytes: max(16, IRCMessage.maxBytes - overhead))
        return pieces.enumerated().map { index, piece in
            IRCMessage(
                tags: tags(of: message, piece: index, profile: fromGuest ? profile.subtracting(.account) : profile), source: source, command,
                [target, action ? "\u{1}ACTION \(piece)\u{1}" : piece]
            )
        }
    }

    /// The text to say and whether it is an action.
    static func spoken(_ message: ChatMessage) -> (String, Bool) {
        if let file = message.file {
            return ("shared \(file.name), \(ByteCount.text(file.size)) — file \(file.id): `parley download \(file.id)`", true)
        }
        if message.text.hasPrefix("/me ") { return (String(message.text.dropFirst(4)), true) }
        return (message.text, false)
    }

    static func tags(of message: ChatMessage, piece: Int, profile: TagProfile) -> [IRCMessage.Tag] {
        var tags: [IRCMessage.Tag] = []
        if profile.contains(.time) { tags.append(.init("time", IRCTime.text(millis: message.time))) }
        if profile.contains(.messageID) { tags.append(.init("msgid", MessageID.text(message.id, piece: piece))) }
        if profile.contains(.account), message.sender != DeletedAccount.name { tags.append(.init("account", message.sender)) }
        return tags
    }

    /// A Parley message as an IRC user wrote it: CTCP ACTION as `/me`,
    /// IRC's formatting codes (bold, colours, …) left out, since Parley
    /// text holds no control characters. Nil for another CTCP, which is
    /// not a message.
    public static func parleyText(from text: String) -> String? {
        var body = Substring(text)
        var action = false
        if body.hasPrefix("\u{1}") {
            body = body.dropFirst()
            if body.hasSuffix("\u{1}") { body = body.dropLast() }
            guard body.hasPrefix("ACTION") else { return nil }
            body = body.dropFirst(6).drop { $0 == " " }
            action = true
        }
        let plain = withoutFormatting(body)
        return action ? "/me " + plain : plain
    }

    /// Text without mIRC's formatting codes: bold, italics, underline,
    /// strike-through, monospace, reverse, reset, and colours with their
    /// numbers (`\u{3}4,12`) or hex (`\u{4}FF0000`).
    static func withoutFormatting(_ text: Substring) -> String {
        // Most text has no control characters at all: no copy for it.
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return String(text) }
        var scalars = String.UnicodeScalarView()
        var iterator = Array(text.unicodeScalars)[...]
        while let scalar = iterator.popFirst() {
            switch scalar.value {
            case 0x02, 0x1D, 0x1F, 0x1E, 0x11, 0x16, 0x0F:
                continue
            case 0x03:
                iterator = dropColour(iterator, digits: 2, isDigit: { $0.properties.numericType == .decimal && $0.isASCII })
            case 0x04:
                iterator = dropColour(iterator, digits: 6, isDigit: { $0.isASCII && $0.properties.isASCIIHexDigit })
            default:
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Skips a colour's foreground and optional `,background`.
    private static func dropColour(
        _ rest: ArraySlice<Unicode.Scalar>, digits: Int, isDigit: (Unicode.Scalar) -> Bool
    ) -> ArraySlice<Unicode.Scalar> {
        var rest = rest
        let foreground = rest.prefix(digits).prefix(while: isDigit).count
        guard foreground > 0 else { return rest }
        rest = rest.dropFirst(foreground)
        if rest.first == ",", let next = rest.dropFirst().first, isDigit(next) {
            rest = rest.dropFirst()
            rest = rest.dropFirst(rest.prefix(digits).prefix(while: isDigit).count)
        }
        return rest
    }
}

/// IRCv3 message ids of Parley messages: the message's id, and `ID-N` for
/// the further lines of a message cut into several.
public enum MessageID {
    public static func text(_ id: Int64, piece: Int = 0) -> String {
        piece == 0 ? String(id) : "\(id)-\(piece)"
    }

    /// The Parley message a msgid names.
    public static func id(_ text: String) -> Int64? {
        Int64(text.prefix { $0 != "-" })
    }
}
