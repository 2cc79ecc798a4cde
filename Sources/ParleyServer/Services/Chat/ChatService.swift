import ParleyDomain
import ParleyStore

/// Posting and reading messages: rooms the user is in, and private
/// conversations between friends (`@name`).
public struct ChatService: Sendable {
    let store: any ChatStore
    let hub: Hub
    let friends: FriendService
    let rooms: RoomService
    /// Nil when the server runs without the robot.
    let robot: Robot?
    let limits: ServerLimits

    /// Where a user's message to a conversation goes: a room they are in, or
    /// the private conversation with a friend (`peer`).
    struct Destination: Sendable {
        let room: StoredConversation
        let peer: StoredUser?

        /// The message as its sender names the conversation.
        func addressed(_ message: ChatMessage) -> ChatMessage {
            peer.map { message.addressed(to: .direct($0.name)) } ?? message
        }
    }

    /// Commits the message, fans it out after the commit, and returns it as
    /// the sender names its conversation.
    public func post(from sender: StoredUser, to conversation: ConversationID, text: String) async throws -> ChatMessage {
        try MessageRules.validate(text, within: limits.messageBudget)
        let destination = try await self.destination(conversation, for: sender)
        let now = Timestamp.nowMillis()
        let delivered = deliveredAt(destination, now)
        let message = try await store.appendMessage(
            room: destination.room, sender: sender, text: text, at: now,
            deliveredAt: delivered, afterCommit: fanOut(destination, from: sender, waiting: delivered == nil)
        )
        if destination.peer == nil { robot?.hear(message, in: destination.room) }
        return destination.addressed(message)
    }

    /// Where `user` may post in `conversation`; throws the reason when nowhere.
    func destination(_ conversation: ConversationID, for user: StoredUser) async throws -> Destination {
        guard let peer = conversation.directPeer else {
            return Destination(room: try await rooms.membership(conversation, of: user), peer: nil)
        }
        guard !user.isGuest else { throw DomainError.notForGuests(.privateMessages) }
        let other = try await friend(peer, of: user)
        return Destination(room: try await store.directConversation(user, other), peer: other)
    }

    /// When a message to `destination` counts as delivered: now, but for a
    /// friend who is offline, whose next login delivers it.
    func deliveredAt(_ destination: Destination, _ now: Int64) -> Int64? {
        guard let peer = destination.peer else { return now }
        return hub.isOnline(key: NameRules.key(for: peer.name)) ? now : nil
    }

    /// Hands a committed message to everyone who may see it: the room's
    /// members online, or both of the pair, each naming it after the other.
    /// `waiting`: it was stored for a recipient who was offline, who may
    /// have come online since.
    func fanOut(_ destination: Destination, from sender: StoredUser, waiting: Bool) -> @Sendable (ChatMessage) -> Void {
        let hub = self.hub
        let room = destination.room
        guard let peer = destination.peer else {
            return { message in hub.publish(.message(message), in: room.id) }
        }
        let (senderKey, peerKey) = (NameRules.key(for: sender.name), NameRules.key(for: peer.name))
        return { message in
            hub.deliver(.message(message.addressed(to: .direct(peer.name))), to: [senderKey])
            hub.deliver(.message(message.addressed(to: .direct(sender.name))), to: [peerKey], waiting: waiting)
        }
    }

    public func history(of conversation: ConversationID, for user: StoredUser, page: HistoryPage) async throws -> HistorySlice {
        guard (1...limits.historyPageMax).contains(page.limit) else {
            throw DomainError.historyPageSize(asked: page.limit, max: limits.historyPageMax)
        }
        guard let room = try await readable(conversation, for: user) else {
            return HistorySlice(conversation: conversation, messages: [], hasMore: false)
        }
        let (messages, hasMore) = try await store.messages(in: room, page: page)
        // Within the budget, the messages nearest where the page starts.
        let budget = limits.replyBudget
        let (kept, cut) = if case .after = page {
            budget.first(messages, cost: ReplyBudget.cost(of:))
        } else {
            budget.last(messages, cost: ReplyBudget.cost(of:))
        }
        return HistorySlice(conversation: conversation, messages: kept.map { $0.addressed(to: conversation) }, hasMore: hasMore || cut)
    }

    /// The id of the first message of `conversation` written at `time` or
    /// later, to page from; nil when there is none.
    public func firstMessage(in conversation: ConversationID, for user: StoredUser, atOrAfter time: Int64) async throws -> Int64? {
        guard let room = try await readable(conversation, for: user) else { return nil }
        return try await store.firstMessageID(in: room, atOrAfter: time)
    }

    /// The conversations `user` may read with messages between two times
    /// (in either order), earliest latest message first.
    public func activeConversations(for user: StoredUser, between a: Int64, and b: Int64, limit: Int) async throws -> [ConversationActivity] {
        try await store.activeConversations(of: user, from: min(a, b), through: max(a, b), limit: limit)
    }

    /// What `user` may read as `conversation`: a room they are in, or the
    /// private conversation with a friend; nil when that has none yet.
    func readable(_ conversation: ConversationID, for user: StoredUser) async throws -> StoredConversation? {
        guard let peer = conversation.directPeer else { return try await rooms.membership(conversation, of: user) }
        // Only the pair's own conversation can be named, so nobody else can read it.
        let other = try await friends.someoneElse(peer, than: user)
        if let existing = try await store.existingDirectConversation(user, other) { return existing }
        guard try await friends.areFriends(user, other) else { throw notFriends(other.name) }
        return nil
    }

    /// Messages `user` may read that hold every word of the query, newest
    /// first, each with the text around its first match.
    public func search(_ query: SearchQuery, for user: StoredUser) async throws -> SearchPage {
        let words = try SearchRules.words(of: query.text)
        guard (1...limits.historyPageMax).contains(query.limit) else {
            throw DomainError.searchPageSize(asked: query.limit, max: limits.historyPageMax)
        }
        let nothing = SearchPage(hits: [], more: false)
        var room: StoredConversation?
        if let conversation = query.conversation {
            guard let readable = try await readable(conversation, for: user) else { return nothing }
            room = readable
        }
        var sender: StoredUser?
        if let from = query.from {
            guard let found = try await store.user(nameKey: NameRules.key(for: from)) else { return nothing }
            sender = found
        }
        var asked = query
        asked.limit += 1
        let found = try await store.search(words, asked, for: user, in: room, from: sender)
        let (kept, cut) = limits.replyBudget.first(Array(found.prefix(query.limit)), cost: ReplyBudget.cost(of:))
        let hits = kept.map { SearchHit(message: $0, snippet: SearchRules.snippet(of: $0.text, matching: words)) }
        return SearchPage(hits: hits, more: found.count > query.limit || cut)
    }

    /// Moves the user's read position in `conversation` forward; every
    /// session of the user hears where it now is.
    public func markRead(_ conversation: ConversationID, through id: Int64, by user: StoredUser) async throws {
        guard let room = try await readable(conversation, for: user),
              let position = try await store.markRead(user, in: room, through: id) else { return }
        hub.deliver(.read(conversation: conversation, through: position), to: [NameRules.key(for: user.name)])
    }

    public func markDelivered(_ messages: [ChatMessage]) async throws {
        try await store.markDelivered(messages.map(\.id), at: Timestamp.nowMillis())
    }

    /// The user's client has the waiting messages up to `through`; returns
    /// the next ones that wait, as many as fit the reply budget.
    public func awayReceived(by user: StoredUser, through id: Int64) async throws -> (messages: [ChatMessage], more: Bool) {
        try await store.markAwayReceived(by: user, through: id, at: Timestamp.nowMillis())
        let waiting = try await store.waitingMessages(to: user, after: id, count: limits.historyPageMax + 1)
        return waitingBatch(waiting)
    }

    /// The oldest waiting messages that fit `limits.historyPageMax` and the
    /// reply budget, addressed to their senders; `more` when others wait.
    func waitingBatch(_ waiting: [PendingMessage]) -> (messages: [ChatMessage], more: Bool) {
        let messages = waiting.prefix(limits.historyPageMax).map { $0.message.addressed(to: .direct($0.from)) }
        let (kept, cut) = limits.replyBudget.first(Array(messages), cost: ReplyBudget.cost(of:))
        return (kept, cut || waiting.count > limits.historyPageMax)
    }

    private func friend(_ name: String, of user: StoredUser) async throws -> StoredUser {
        let other = try await friends.someoneElse(name, than: user)
        guard try await friends.areFriends(user, other) else { throw notFriends(other.name) }
        return other
    }

    private func notFriends(_ name: String) -> DomainError {
        .notFriends(name: name)
    }
}
