import ParleyDomain
import ParleyStore
import PostgresNIO

/// Read positions and resume tokens.
extension PostgresStore {
    public func markRead(_ user: StoredUser, in conversation: StoredConversation, through id: Int64) async throws -> Int64? {
        guard let newest = try await rows("SELECT MAX(id) FROM message WHERE conversationId = \(conversation.id)")
            .first?.decode(Int64?.self) else { return nil }
        let position = min(id, newest)
        return try await changed("""
            INSERT INTO readPosition (userId, conversationId, messageId) VALUES (\(user.id), \(conversation.id), \(position))
            ON CONFLICT (userId, conversationId) DO UPDATE SET messageId = excluded.messageId
            WHERE excluded.messageId > readPosition.messageId
            RETURNING 1
            """) ? position : nil
    }

    /// Each position named as the user names the conversation.
    func readPositions(of user: StoredUser, on connection: PostgresConnection) async throws -> [ConversationID: Int64] {
        var positions: [ConversationID: Int64] = [:]
        for row in try await connection.query("""
            SELECT r.messageId, c.kind, c.name, other.name
            FROM readPosition r JOIN conversation c ON c.id = r.conversationId
            LEFT JOIN "user" other ON c.kind = 'direct'
                AND other.id = CASE WHEN c.userA = r.userId THEN c.userB ELSE c.userA END
            WHERE r.userId = \(user.id)
            """, logger: logger).collect() {
            let (position, kind, name, peer) = try row.decode((Int64, String, String?, String?).self)
            if kind == "direct" ? peer != nil : name != nil {
                positions[Self.named(kind: kind, name: name, peer: peer)] = position
            }
        }
        return positions
    }

    public func addResumeToken(hash: String, for user: StoredUser, at time: Int64, expiresAt: Int64, keepingNewest count: Int) async throws {
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO resumeToken (hash, userId, createdAt, expiresAt) VALUES (\(hash), \(user.id), \(time), \(expiresAt))
                """, logger: logger)
            try await connection.query("""
                DELETE FROM resumeToken WHERE userId = \(user.id) AND hash NOT IN (
                    SELECT hash FROM resumeToken WHERE userId = \(user.id) ORDER BY createdAt DESC, serial DESC LIMIT \(count)
                )
                """, logger: logger)
            try await connection.query("DELETE FROM resumeToken WHERE expiresAt <= \(time)", logger: logger)
        }
    }

    public func user(resumeToken hash: String, nameKey: String, at time: Int64) async throws -> StoredUser? {
        try await rows("""
            SELECT u.id, u.name, u.passwordHash, u.createdAt, u.isGuest FROM resumeToken t JOIN "user" u ON u.id = t.userId
            WHERE t.hash = \(hash) AND u.nameKey = \(nameKey) AND t.expiresAt > \(time)
            """).first.map(Self.storedUser)
    }

    public func removeResumeToken(hash: String) async throws {
        try await execute("DELETE FROM resumeToken WHERE hash = \(hash)")
    }

    public func removeResumeTokens(of user: StoredUser, keeping kept: String?) async throws {
        try await execute("DELETE FROM resumeToken WHERE userId = \(user.id) AND hash IS DISTINCT FROM \(kept)")
    }
}
