/// Names a conversation. Rooms are bare names (`lobby`); private chats will
/// be `@name`.
public struct ConversationID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let lobby = ConversationID(rawValue: "lobby")

    /// The private conversation with `name`, as you name it.
    public static func direct(_ name: String) -> ConversationID {
        ConversationID(rawValue: "@" + name)
    }

    /// The other person's name, for a private conversation.
    public var directPeer: String? {
        rawValue.hasPrefix("@") ? String(rawValue.dropFirst()) : nil
    }
}

/// One stored message as everybody sees it.
public struct ChatMessage: Hashable, Sendable {
    /// Assigned by the server; grows within a conversation.
    public let id: Int64
    public let conversation: ConversationID
    public let sender: String
    public let text: String
    /// Server time, milliseconds since the Unix epoch.
    public let time: Int64
    /// The file this message announces, if it announces one.
    public let file: FileInfo?

    public init(id: Int64, conversation: ConversationID, sender: String, text: String, time: Int64, file: FileInfo? = nil) {
        self.id = id
        self.conversation = conversation
        self.sender = sender
        self.text = text
        self.time = time
        self.file = file
    }

    /// The same message as seen from another conversation name.
    public func addressed(to conversation: ConversationID) -> ChatMessage {
        ChatMessage(id: id, conversation: conversation, sender: sender, text: text, time: time, file: file?.addressed(to: conversation))
    }
}

/// Which slice of a conversation's history to read. Pages are always
/// returned oldest first.
public enum HistoryPage: Hashable, Sendable {
    case latest(limit: Int)
    case before(id: Int64, limit: Int)
    case after(id: Int64, limit: Int)

    public var limit: Int {
        switch self {
        case .latest(let limit), .before(_, let limit), .after(_, let limit): limit
        }
    }
}
