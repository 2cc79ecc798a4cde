import ParleyProtocol
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

    /// Commits the message, fans it out after the commit, and returns it as
    /// the sender names its conversation.
    public func post(from sender: StoredUser, to conversation: ConversationID, text: String) async throws -> ChatMessage {
        try MessageRules.validate(text, maxCharacters: limits.maxMessageCharacters)
        let now = Timestamp.nowMillis()
        if let peer = conversation.directPeer {
            let other = try await friend(peer, of: sender)
            let room = try await store.directConversation(sender, other)
            let (senderKey, otherKey) = (NameRules.key(for: sender.name), NameRules.key(for: other.name))
            // Online now: delivered with this commit. Offline: kept for the next login.
            let delivered = hub.isOnline(key: otherKey) ? now : nil
            let hub = self.hub
            let message = try await store.appendMessage(room: room, sender: sender, text: text, at: now, deliveredAt: delivered) { message in
                hub.deliver(.message(message.addressed(to: .direct(other.name))), to: [senderKey])
                hub.deliver(.message(message.addressed(to: .direct(sender.name))), to: [otherKey])
            }
            return message.addressed(to: .direct(other.name))
        }
        let room = try await rooms.membership(conversation, of: sender)
        let hub = self.hub
        let message = try await store.appendMessage(room: room, sender: sender, text: text, at: now, deliveredAt: now) { message in
            hub.publish(.message(message), in: room.id)
        }
        robot?.hear(message, in: room)
        return message
    }

    public func history(of conversation: ConversationID, for user: StoredUser, page: HistoryPage) async throws -> HistorySlice {
        guard (1...limits.historyPageMax).contains(page.limit) else {
            throw ProtocolError(.historyInvalid, "A history page holds 1 to \(limits.historyPageMax) messages; you asked for \(page.limit).")
        }
        let room: StoredRoom
        if let peer = conversation.directPeer {
            // Only the pair's own conversation can be named, so nobody else can read it.
            let other = try await friends.someoneElse(peer, than: user)
            guard let existing = try await store.existingDirectConversation(user, other) else {
                guard try await friends.areFriends(user, other) else { throw notFriends(other.name) }
                return HistorySlice(conversation: conversation, messages: [], hasMore: false)
            }
            room = existing
        } else {
            room = try await rooms.membership(conversation, of: user)
        }
        let (messages, hasMore) = try await store.messages(in: room, page: page)
        return HistorySlice(conversation: conversation, messages: messages.map { $0.addressed(to: conversation) }, hasMore: hasMore)
    }

    /// Private messages that waited for `user`, as `user` names their conversations.
    public func awayMessages(for user: StoredUser) async throws -> [ChatMessage] {
        try await store.undeliveredMessages(to: user).map { $0.message.addressed(to: .direct($0.from)) }
    }

    public func markDelivered(_ messages: [ChatMessage]) async throws {
        try await store.markDelivered(messages.map(\.id), at: Timestamp.nowMillis())
    }

    private func friend(_ name: String, of user: StoredUser) async throws -> StoredUser {
        let other = try await friends.someoneElse(name, than: user)
        guard try await friends.areFriends(user, other) else { throw notFriends(other.name) }
        return other
    }

    private func notFriends(_ name: String) -> ProtocolError {
        ProtocolError(.friendNotFriends, "You and \(name) are not friends; private messages are for friends (/friend add \(name)).")
    }
}
