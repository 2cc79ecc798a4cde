import NIOCore
import ParleyDomain
import ParleyIRC

/// What every session of the IRC door shares: the services, the server's
/// name and welcome, and one event format per set of tags sessions ask
/// for, so that sessions asking alike share each event's bytes.
struct IRCDoor: Sendable {
    let services: SessionServices
    /// How the server names itself in numerics; it holds a dot, so it can
    /// be no user's nick.
    let serverName: String
    /// When the server started, as 003 says it.
    let started: String
    let motd: [String]
    /// The robot's name when it answers, listed in every channel.
    let robotName: String?
    /// Formats by `TagProfile.rawValue`.
    let formats: [EventFormat]
    /// Lines in a row that cannot be read before the connection is closed.
    let maxMalformedInARow: Int
    /// Clients without SASL or PASS come in as guests.
    let guests: Bool

    init(services: SessionServices, serverName: String, motd: [String], robotName: String?, maxMalformedInARow: Int, guests: Bool) {
        self.guests = guests
        self.services = services
        self.maxMalformedInARow = maxMalformedInARow
        self.serverName = serverName
        self.motd = motd
        self.robotName = robotName
        started = IRCTime.text(millis: Timestamp.nowMillis())
        formats = TagProfile.all.map { profile in
            EventFormat(name: "irc/\(profile.rawValue)") { [hub = services.hub] event in
                var bytes = ByteBuffer()
                // Once per event and format, not per recipient.
                let fromGuest = if case .message(let message) = event { hub.isGuest(key: NameRules.key(for: message.sender)) } else { false }
                for line in IRCWords.roomLines(for: event, profile: profile, fromGuest: fromGuest) ?? [] { bytes.writeString(line.line) }
                return bytes
            }
        }
    }

    func format(for profile: TagProfile) -> EventFormat { formats[profile.rawValue] }

    /// The ISUPPORT tokens (005): Parley's real limits, in IRC's words.
    var isupport: [String] {
        let limits = services.limits
        return [
            "NETWORK=Parley", "CASEMAPPING=rfc8265", "UTF8ONLY", "CHANTYPES=#", "PREFIX=()", "CHANMODES=,,,nt",
            "NICKLEN=\(ProtocolConstants.nameMaxCharacters)", "CHANNELLEN=\(ProtocolConstants.nameMaxCharacters + 1)",
            "TOPICLEN=\(limits.maxTopicCharacters)", "CHANLIMIT=#:\(limits.maxRoomsPerUser)", "AWAYLEN=\(IRCSessionHandler.maxAwayCharacters)",
            "parley.chat/MESSAGELEN=\(limits.maxMessageCharacters)", "TARGMAX=PRIVMSG:4,NOTICE:4,JOIN:\(IRCSessionHandler.maxTargets),PART:\(IRCSessionHandler.maxTargets)",
            "CHATHISTORY=\(limits.historyPageMax)", "MSGREFTYPES=timestamp,msgid",
        ]
    }
}
