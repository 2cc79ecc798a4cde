import GRDB
import ParleyDomain

/// A room row as the room queries read it.
struct RoomRow: Decodable, FetchableRecord {
    var id: Int64
    var name: String
    var topic: String?
    var openTopic: Bool
    var createdBy: Int64?
    var allowGuests: Bool

    var stored: StoredConversation {
        StoredConversation(id: id, name: name, topic: topic ?? "", openTopic: openTopic, createdBy: createdBy, allowGuests: allowGuests)
    }
}

extension SQLiteStore {
    /// Rooms in the order people see them: the lobby, then by name.
    private static let roomOrder: SQL = "(c.nameKey != 'lobby'), c.nameKey"

    public func room(nameKey: String) async throws -> StoredConversation? {
        try await pool.read { db in
            try RoomRow.fetchOne(db, sql: """
                SELECT id, name, topic, openTopic, createdBy, allowGuests FROM conversation
                WHERE kind = 'room' AND nameKey = ?
                """, arguments: [nameKey])?.stored
        }
    }

    public func createRoom(
        name: String, nameKey: String, topic: String, openTopic: Bool, creator: StoredUser, at time: Int64
    ) async throws -> StoredConversation {
        do {
            return try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO conversation (kind, name, nameKey, topic, openTopic, createdBy, createdAt)
                    VALUES ('room', ?, ?, ?, ?, ?, ?)
                    """, arguments: [name, nameKey, topic, openTopic, creator.id, time])
                let id = db.lastInsertedRowID
                try db.execute(
                    sql: "INSERT INTO membership (conversationId, userId, joinedAt) VALUES (?, ?, ?)",
                    arguments: [id, creator.id, time]
                )
                return StoredConversation(id: id, name: name, topic: topic, openTopic: openTopic, createdBy: creator.id)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.nameTaken(name)
        }
    }

    public func removeIdleRooms(unusedSince time: Int64) async throws -> (rooms: [String], files: [Int64]) {
        try await pool.write { db in
            let idle = try Row.fetchAll(db, sql: """
                SELECT c.id, c.name FROM conversation c
                WHERE c.kind = 'room' AND c.nameKey != 'lobby' AND c.memberCount = 0 AND c.createdAt < ?
                  AND NOT EXISTS (SELECT 1 FROM message m WHERE m.conversationId = c.id AND m.createdAt >= ?)
                """, arguments: [time, time])
            var files: [Int64] = []
            for row in idle {
                let id: Int64 = row[0]
                files += try Int64.fetchAll(db, sql: "SELECT id FROM file WHERE conversationId = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM message WHERE conversationId = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM file WHERE conversationId = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM conversation WHERE id = ?", arguments: [id])
            }
            return (idle.map { $0[1] }, files)
        }
    }

    public func join(_ user: StoredUser, to room: StoredConversation, at time: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO membership (conversationId, userId, joinedAt) VALUES (?, ?, ?)",
                arguments: [room.id, user.id, time]
            )
            return db.changesCount > 0
        }
    }

    public func leave(_ user: StoredUser, from room: StoredConversation) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM membership WHERE conversationId = ? AND userId = ?",
                arguments: [room.id, user.id]
            )
            return db.changesCount > 0
        }
    }

    public func isMember(_ user: StoredUser, of room: StoredConversation) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM membership WHERE conversationId = ? AND userId = ?)
                """, arguments: [room.id, user.id]) ?? false
        }
    }

    public func rooms(of user: StoredUser) async throws -> [StoredConversation] {
        let request = SQLRequest<RoomRow>(literal: """
            SELECT c.id, c.name, c.topic, c.openTopic, c.createdBy, c.allowGuests
            FROM membership m JOIN conversation c ON c.id = m.conversationId
            WHERE m.userId = \(user.id)
            ORDER BY \(Self.roomOrder)
            """, cached: true)
        return try await pool.read { db in try request.fetchAll(db).map(\.stored) }
    }

    public func allRooms() async throws -> [RoomCount] {
        let request: SQLRequest<Row> = """
            SELECT c.id, c.name, c.topic, c.openTopic, c.createdBy, c.allowGuests,
                   c.memberCount AS members
            FROM conversation c
            WHERE c.kind = 'room'
            ORDER BY \(Self.roomOrder)
            """
        return try await pool.read { db in
            try request.fetchAll(db).map { row in
                RoomCount(room: try RoomRow(row: row).stored, members: row["members"])
            }
        }
    }

    public func setAllowGuests(_ allow: Bool, in room: StoredConversation) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE conversation SET allowGuests = ? WHERE id = ?", arguments: [allow, room.id])
        }
    }

    public func setTopic(_ topic: String, of room: StoredConversation) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE conversation SET topic = ? WHERE id = ?", arguments: [topic, room.id])
        }
    }

    public func messageCount(in room: StoredConversation, since time: Int64) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM message WHERE conversationId = ? AND createdAt >= ?
                """, arguments: [room.id, time]) ?? 0
        }
    }

    public func firstMessageID(in conversation: StoredConversation, atOrAfter time: Int64) async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT id FROM message WHERE conversationId = ? AND createdAt >= ? ORDER BY createdAt, id LIMIT 1
                """, arguments: [conversation.id, time])
        }
    }

    public func activeConversations(of user: StoredUser, from start: Int64, through end: Int64, limit: Int) async throws -> [ConversationActivity] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.kind, c.name, other.name AS peerName, MAX(m.createdAt) AS latest
                FROM conversation c
                JOIN message m ON m.conversationId = c.id AND m.createdAt >= ? AND m.createdAt <= ?
                LEFT JOIN user other ON c.kind = 'direct' AND other.id = CASE WHEN c.userA = ? THEN c.userB ELSE c.userA END
                WHERE c.id IN (SELECT conversationId FROM membership WHERE userId = ?)
                   OR (c.kind = 'direct' AND (c.userA = ? OR c.userB = ?))
                GROUP BY c.id ORDER BY latest, c.id LIMIT ?
                """, arguments: [start, end, user.id, user.id, user.id, user.id, limit]
            ).map { row in
                let conversation: ConversationID = if row["kind"] as String == "direct" {
                    .direct(row["peerName"] ?? "")
                } else {
                    ConversationID(rawValue: row["name"] ?? "")
                }
                return ConversationActivity(conversation: conversation, latest: row["latest"])
            }
        }
    }
}
