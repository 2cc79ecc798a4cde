import ParleyDomain

/// What `parley watch` has printed, so that across reconnects nothing is
/// missed and nothing printed twice: the last id printed in each
/// conversation, and where the first connection began. Ids grow within a
/// conversation, not in one order across them, so each conversation keeps
/// its own.
public struct WatchCursor: Sendable {
    /// Conversations asked for by name key; nil: every one of the account's.
    private let only: Set<String>?
    /// The newest message the first welcome showed: later ones are news.
    private var start: Int64?
    private var last: [String: (id: ConversationID, message: Int64)] = [:]

    public init(only: [ConversationID] = []) {
        self.only = only.isEmpty ? nil : Set(only.map(Self.key))
    }

    private static func key(_ id: ConversationID) -> String {
        (id.directPeer != nil ? "@" : "") + NameRules.key(for: id.directPeer ?? id.rawValue)
    }

    /// The rooms asked for that the user is not in, as the welcome shows
    /// them (in any case: `Lobby` is the lobby).
    public func roomsMissing(from welcome: Welcome) -> [String] {
        let mine = Set(welcome.rooms.map { Self.key($0.name) })
        return (only ?? []).filter { !$0.hasPrefix("@") && !mine.contains($0) }.sorted()
    }

    public func watches(_ conversation: ConversationID) -> Bool {
        only?.contains(Self.key(conversation)) ?? true
    }

    /// A welcome came: on the first, what it shows is the past; on a later
    /// one, returns where to read each conversation from to catch up.
    public mutating func connected(_ welcome: Welcome) -> [(conversation: ConversationID, after: Int64)] {
        guard let start else {
            start = welcome.rooms.compactMap { $0.history.last?.id }.max() ?? 0
            return []
        }
        var conversations = welcome.rooms.map(\.name) + welcome.friends.friends.map { ConversationID.direct($0.name) }
        conversations += last.values.map(\.id)
        var seen = Set<String>()
        return conversations.filter { watches($0) && seen.insert(Self.key($0)).inserted }.map { conversation in
            (conversation, last[Self.key(conversation)]?.message ?? start)
        }
    }

    /// True when `message` is one to print: in a conversation watched and
    /// newer than anything printed there. It then counts as printed.
    public mutating func accept(_ message: ChatMessage) -> Bool {
        let key = Self.key(message.conversation)
        guard watches(message.conversation), message.id > last[key]?.message ?? start ?? 0 else { return false }
        last[key] = (message.conversation, message.id)
        return true
    }
}
