import ParleyProtocol
import ParleyStore

/// Posting and reading messages. Only the lobby exists for now; the lookup
/// from conversation to room is where rooms and private chats will come in.
public struct ChatService: Sendable {
    let store: any ChatStore
    let hub: Hub
    let limits: ServerLimits
    let lobby: StoredRoom

    /// Commits the message, fans it out after the commit, and returns it.
    public func post(from sender: StoredUser, to conversation: ConversationID, text: String) async throws -> ChatMessage {
        let room = try room(for: conversation)
        try MessageRules.validate(text, maxCharacters: limits.maxMessageCharacters)
        let hub = self.hub
        return try await store.appendMessage(room: room, sender: sender, text: text, at: Timestamp.nowMillis()) { message in
            hub.publish(.message(message))
        }
    }

    public func history(of conversation: ConversationID, page: HistoryPage) async throws -> HistorySlice {
        let room = try room(for: conversation)
        guard (1...limits.historyPageMax).contains(page.limit) else {
            throw ProtocolError(.historyInvalid, "A history page holds 1 to \(limits.historyPageMax) messages; you asked for \(page.limit).")
        }
        let (messages, hasMore) = try await store.messages(in: room, page: page)
        return HistorySlice(conversation: conversation, messages: messages, hasMore: hasMore)
    }

    /// The latest messages a user sees on login.
    public func loginHistory() async throws -> HistorySlice {
        guard limits.historyOnLogin > 0 else { return HistorySlice(conversation: .lobby, messages: [], hasMore: true) }
        let (messages, hasMore) = try await store.messages(in: lobby, page: .latest(limit: limits.historyOnLogin))
        return HistorySlice(conversation: .lobby, messages: messages, hasMore: hasMore)
    }

    private func room(for conversation: ConversationID) throws(ProtocolError) -> StoredRoom {
        guard conversation == .lobby else {
            throw ProtocolError(.conversationUnknown, "There is no conversation \"\(conversation)\"; only \"lobby\" exists.")
        }
        return lobby
    }
}
