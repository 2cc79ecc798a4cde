/// The IRCv3 capabilities the door offers (`CAP LS 302`).
public enum Capability: String, Sendable, CaseIterable {
    case sasl
    case serverTime = "server-time"
    case messageTags = "message-tags"
    case echoMessage = "echo-message"
    case batch
    case awayNotify = "away-notify"
    case accountTag = "account-tag"
    case chathistory = "draft/chathistory"

    /// As `CAP LS 302` lists it, with its value.
    public var advertised: String {
        switch self {
        case .sasl: "sasl=PLAIN"
        default: rawValue
        }
    }
}

/// Which tags a session's events carry: sessions that asked for the same
/// tags share one encoding of each event.
public struct TagProfile: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `time`: server-time.
    public static let time = TagProfile(rawValue: 1)
    /// `msgid`: message-tags.
    public static let messageID = TagProfile(rawValue: 2)
    /// `account`: account-tag.
    public static let account = TagProfile(rawValue: 4)

    /// Every profile, for formats made ahead.
    public static let all: [TagProfile] = (0..<8).map { TagProfile(rawValue: $0) }

    public init(_ capabilities: Set<Capability>) {
        var profile: TagProfile = []
        if capabilities.contains(.serverTime) { profile.insert(.time) }
        if capabilities.contains(.messageTags) { profile.insert(.messageID) }
        if capabilities.contains(.accountTag) { profile.insert(.account) }
        self = profile
    }
}
