/// A room as its member sees it on joining or logging in: its topic, who is
/// in it, and its latest messages.
public struct RoomSnapshot: Hashable, Sendable {
    public var name: ConversationID
    public var topic: String
    /// Anyone in the room may change the topic, not only its creator.
    public var openTopic: Bool
    /// Online members first, each part by name; the robot is one of them
    /// when the server runs it. Empty in a large room, which only counts.
    public var members: [Member]
    /// Everybody in the room, listed or not.
    public var memberCount: Int
    public var onlineCount: Int
    public var history: [ChatMessage]
    /// Older messages exist before `history`.
    public var hasMore: Bool

    public init(name: ConversationID, topic: String = "", openTopic: Bool = false, members: [Member] = [],
                memberCount: Int? = nil, onlineCount: Int? = nil, history: [ChatMessage] = [], hasMore: Bool = false) {
        self.name = name
        self.topic = topic
        self.openTopic = openTopic
        self.members = members
        self.memberCount = memberCount ?? members.count
        self.onlineCount = onlineCount ?? members.count { $0.online }
        self.history = history
        self.hasMore = hasMore
    }

    /// Too many members to name them all (see `ServerLimits.largeRoomMembers`).
    public var isLarge: Bool { members.count < memberCount }

}

/// One line of the room list.
public struct RoomInfo: Hashable, Sendable {
    public var name: ConversationID
    public var topic: String
    public var members: Int
    public var online: Int
    /// The asking user is a member.
    public var joined: Bool

    public init(name: ConversationID, topic: String, members: Int, online: Int, joined: Bool) {
        self.name = name
        self.topic = topic
        self.members = members
        self.online = online
        self.joined = joined
    }
}

public enum TopicRules {
    /// A topic is one line within `budget`; empty clears it. Control
    /// characters, line and paragraph separators and format characters
    /// (bidirectional overrides and isolates among them) are refused:
    /// a topic cannot hide or reorder what it shows. Joiners pass, which
    /// scripts and emoji need.
    public static func validate(_ topic: String, within budget: TextBudget) throws(DomainError) {
        if topic.count > budget.characters {
            throw .topicTooLong(characters: topic.count, max: budget.characters)
        }
        if topic.utf8.count > budget.bytes {
            throw .topicTooManyBytes(bytes: topic.utf8.count, max: budget.bytes)
        }
        if let bad = topic.unicodeScalars.first(where: { $0.properties.generalCategory == .control || $0.hidesText }) {
            throw .topicInvalid(scalar: bad.value)
        }
        if TextMeasure.mostMarks(in: topic) > budget.marksPerCharacter {
            throw .topicMarksStacked(max: budget.marksPerCharacter)
        }
    }
}

/// Whether a text mentions someone: the name as a word, in any case, or `@name`.
public enum Mentions {
    public static func contains(_ name: String, in text: String) -> Bool {
        guard !name.isEmpty else { return false }
        let key = NameRules.key(for: name)
        let words = NameRules.key(for: text).split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return words.contains { $0 == key }
    }
}
