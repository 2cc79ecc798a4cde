/// Protocol constants both sides agree on. Server-side limits that an
/// operator may tune live in the server configuration and are announced to
/// clients in the server hello.
public enum ProtocolConstants {
    public static let version = 2
    /// The release of `parley` and `parley-server` (`--version`).
    public static let release = "0.17.0"

    public static let nameMaxCharacters = 32
    /// A name's UTF-8 bytes: 32 characters of any script fit.
    public static let nameMaxBytes = 128
    /// Combining marks on one character of a name.
    public static let nameMaxMarksPerCharacter = 4
    /// The built-in member of every room that answers `@robot`.
    public static let robotName = "robot"
    public static let reservedNames: Set<String> = ["robot", "system", "server", "admin", "parley"]
    public static let passwordMinCharacters = 8
    /// Long enough for any passphrase, short enough that hashing it is cheap.
    public static let passwordMaxBytes = 1024

    /// What a server accepts in one frame unless configured otherwise.
    public static let defaultServerMaxFrameBytes = 64 * 1024
    /// What a client accepts in one frame: history pages carry up to
    /// `historyPageMax` messages of `maxMessageCharacters` each.
    public static let defaultClientMaxFrameBytes = 16 * 1024 * 1024
}

/// The limits a server enforces, sent in its hello so that a client can
/// check input before sending it.
public struct ServerLimits: Hashable, Sendable {
    public var maxFrameBytes: Int
    public var maxMessageCharacters: Int
    /// A message's UTF-8 bytes: characters alone let one "character" of a
    /// letter and 32,000 accents through.
    public var maxMessageBytes: Int
    public var historyOnLogin: Int
    public var historyPageMax: Int
    public var rateBurst: Int
    public var ratePerSecond: Double
    public var heartbeatTimeoutSeconds: Double
    public var maxTopicCharacters: Int
    public var maxTopicBytes: Int
    /// Combining marks stacked on one character, in messages, topics and
    /// names (a few for any script; "zalgo" text stacks hundreds).
    public var maxMarksPerCharacter: Int
    /// Rooms one user may be a member of, the lobby included.
    public var maxRoomsPerUser: Int
    /// Largest file one may upload.
    public var maxFileBytes: Int64
    /// Uploads and downloads one connection may have under way at once.
    public var maxTransfers: Int
    /// A room with more members is large: its snapshot counts members
    /// instead of naming them. Coming online and going offline are announced
    /// in a room only while at most this many are online in it: otherwise a
    /// reconnect storm would cost members × arrivals events.
    public var largeRoomMembers: Int
    /// The bytes one reply built from others' text may carry (`ReplyBudget`).
    public var maxReplyBytes: Int

    public var replyBudget: ReplyBudget { ReplyBudget(bytes: maxReplyBytes) }

    public init(
        maxFrameBytes: Int = ProtocolConstants.defaultServerMaxFrameBytes,
        maxMessageCharacters: Int = 4000,
        maxMessageBytes: Int = 16000,
        historyOnLogin: Int = 50,
        historyPageMax: Int = 200,
        rateBurst: Int = 20,
        ratePerSecond: Double = 5,
        heartbeatTimeoutSeconds: Double = 60,
        maxTopicCharacters: Int = 300,
        maxTopicBytes: Int = 1200,
        maxMarksPerCharacter: Int = 6,
        maxRoomsPerUser: Int = 100,
        maxFileBytes: Int64 = 50 * 1024 * 1024,
        maxTransfers: Int = 4,
        largeRoomMembers: Int = 250,
        maxReplyBytes: Int = 1 << 20
    ) {
        self.maxReplyBytes = maxReplyBytes
        self.maxFrameBytes = maxFrameBytes
        self.maxMessageCharacters = maxMessageCharacters
        self.maxMessageBytes = maxMessageBytes
        self.historyOnLogin = historyOnLogin
        self.historyPageMax = historyPageMax
        self.rateBurst = rateBurst
        self.ratePerSecond = ratePerSecond
        self.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds
        self.maxTopicCharacters = maxTopicCharacters
        self.maxTopicBytes = maxTopicBytes
        self.maxMarksPerCharacter = maxMarksPerCharacter
        self.maxRoomsPerUser = maxRoomsPerUser
        self.maxFileBytes = maxFileBytes
        self.maxTransfers = maxTransfers
        self.largeRoomMembers = largeRoomMembers
    }

}

extension Double {
    /// 5 for 5.0, 2.5 for 2.5: how people write a rate.
    public var formatted: String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}
