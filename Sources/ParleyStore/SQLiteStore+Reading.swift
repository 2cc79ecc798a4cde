import GRDB
import ParleyDomain

/// Read positions: where each user stopped reading each conversation.
extension SQLiteStore {
    public func markRead(_ user: StoredUser, in conversation: StoredConversation, through id: Int64) async throws -> Int64? {
        try await pool.write { db in
            let newest = try SQLRequest<Int64>(
                literal: "SELECT MAX(id) FROM message WHERE conversationId = \(conversation.id)", cached: true
            ).fetchOne(db)
            guard let newest else { return nil }
            let position = min(id, newest)
            try db.execute(literal: """
                INSERT INTO readPosition (userId, conversationId, messageId) VALUES (\(user.id), \(conversation.id), \(position))
                ON CONFLICT (userId, conversationId) DO UPDATE SET messageId = excluded.messageId
                WHERE excluded.messageId > readPosition.messageId
                """)
            return db.changesCount > 0 ? position : nil
        }
    }

    /// Each position named as the user names the conversation: a room by
    /// its name, a private one as `@` and the other's name.
    static func readPositions(_ db: Database, of user: StoredUser) throws -> [ConversationID: Int64] {
        let rows = try Row.fetchAll(db, SQLRequest(literal: """
            SELECT r.messageId, c.kind, c.name, other.name AS peer
            FROM readPosition r JOIN conversation c ON c.id = r.conversationId
            LEFT JOIN user other ON c.kind = 'direct'
                AND other.id = CASE WHEN c.userA = r.userId THEN c.userB ELSE c.userA END
            WHERE r.userId = \(user.id)
            """, cached: true))
        var positions: [ConversationID: Int64] = [:]
        for row in rows {
            let kind: String = row["kind"]
            let id: ConversationID? = if kind == "direct" {
                (row["peer"] as String?).map(ConversationID.direct)
            } else {
                (row["name"] as String?).map(ConversationID.init(rawValue:))
            }
            if let id { positions[id] = row["messageId"] }
        }
        return positions
    }
}
