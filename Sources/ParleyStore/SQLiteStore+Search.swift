import GRDB
import ParleyDomain

/// Full-text search over the messages a user may read (migration v11).
extension SQLiteStore {
    public func search(
        _ words: [String], _ search: SearchQuery, for user: StoredUser, in conversation: StoredConversation?, from sender: StoredUser?
    ) async throws -> [ChatMessage] {
        // The trigram index finds words of three characters or more; shorter
        // ones are checked on the text of what it found, or, when every word
        // is short, on the messages themselves, newest first.
        let indexed = words.filter { $0.count >= 3 }
        let short = words.filter { $0.count < 3 }
        var conditions = searchConditions(for: user, in: conversation, from: sender, search).map { SQL(sql: $0) }
        for word in short { conditions.append("m.body LIKE \(likePattern(word)) ESCAPE '\\'") }
        let source: SQL
        let order: SQL
        if indexed.isEmpty {
            source = "message m"
            order = "m.id DESC"
        } else {
            source = "messageSearch s JOIN message m ON m.id = s.rowid"
            conditions.append("messageSearch MATCH \(Self.matchQuery(indexed))")
            order = "s.rowid DESC"
        }
        let query: SQL = """
            SELECT \(MessageRow.columns), c.kind AS conversationKind, c.name AS conversationName, other.name AS peerName
            FROM \(source)
            JOIN conversation c ON c.id = m.conversationId
            JOIN user u ON u.id = m.senderId
            LEFT JOIN file f ON f.id = m.fileId
            LEFT JOIN user other ON c.kind = 'direct' AND other.id = CASE WHEN c.userA = \(user.id) THEN c.userB ELSE c.userA END
            WHERE \(conditions.joined(operator: .and))
            ORDER BY \(order) LIMIT \(search.limit)
            """
        return try await pool.read { db in
            try Row.fetchAll(db, SQLRequest(literal: query)).map { row in
                let named: ConversationID = if row["conversationKind"] as String == "direct" {
                    .direct(row["peerName"] ?? "")
                } else {
                    ConversationID(rawValue: row["conversationName"] ?? "")
                }
                return try MessageRow(row: row).chatMessage(in: named)
            }
        }
    }

    /// Each word as an FTS5 string (a run of characters, not syntax), all
    /// of them required.
    private static func matchQuery(_ words: [String]) -> String {
        words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " AND ")
    }

}
