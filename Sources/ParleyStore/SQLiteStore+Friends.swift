import GRDB
import ParleyDomain

/// Friendships and requests, and the private conversation of each pair.
extension SQLiteStore {
    private static func ordered(_ a: StoredUser, _ b: StoredUser) -> (Int64, Int64) {
        a.id < b.id ? (a.id, b.id) : (b.id, a.id)
    }

    public func friendLink(_ a: StoredUser, _ b: StoredUser) async throws -> FriendLink {
        let (low, high) = Self.ordered(a, b)
        return try await pool.read { db in
            if let blocker = try Int64.fetchOne(db, sql: """
                SELECT blockerId FROM block WHERE (blockerId = ? AND blockedId = ?) OR (blockerId = ? AND blockedId = ?)
                ORDER BY createdAt LIMIT 1
                """, arguments: [a.id, b.id, b.id, a.id]) {
                return .blocked(by: blocker)
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM friendship WHERE userA = ? AND userB = ?", arguments: [low, high]) != nil {
                return .friends
            }
            let requester = try Int64.fetchOne(db, sql: """
                SELECT fromId FROM friendRequest
                WHERE (fromId = ? AND toId = ?) OR (fromId = ? AND toId = ?)
                ORDER BY createdAt LIMIT 1
                """, arguments: [a.id, b.id, b.id, a.id])
            return requester.map { .requested(by: $0) } ?? .strangers
        }
    }

    public func addFriendRequest(from: StoredUser, to: StoredUser, at time: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO friendRequest (fromId, toId, createdAt) VALUES (?, ?, ?)",
                arguments: [from.id, to.id, time]
            )
        }
    }

    public func removeFriendRequest(from: StoredUser, to: StoredUser) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM friendRequest WHERE fromId = ? AND toId = ?", arguments: [from.id, to.id])
            return db.changesCount > 0
        }
    }

    public func befriend(_ a: StoredUser, _ b: StoredUser, at time: Int64) async throws {
        let (low, high) = Self.ordered(a, b)
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM friendRequest WHERE (fromId = ? AND toId = ?) OR (fromId = ? AND toId = ?)",
                arguments: [a.id, b.id, b.id, a.id]
            )
            try db.execute(
                sql: "INSERT OR IGNORE INTO friendship (userA, userB, since) VALUES (?, ?, ?)",
                arguments: [low, high, time]
            )
        }
    }

    public func unfriend(_ a: StoredUser, _ b: StoredUser) async throws -> Bool {
        let (low, high) = Self.ordered(a, b)
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM friendship WHERE userA = ? AND userB = ?", arguments: [low, high])
            return db.changesCount > 0
        }
    }

    public func block(_ other: StoredUser, by user: StoredUser, at time: Int64) async throws -> Bool {
        let (low, high) = Self.ordered(user, other)
        return try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO block (blockerId, blockedId, createdAt) VALUES (?, ?, ?)",
                arguments: [user.id, other.id, time]
            )
            try db.execute(
                sql: "DELETE FROM friendRequest WHERE (fromId = ? AND toId = ?) OR (fromId = ? AND toId = ?)",
                arguments: [user.id, other.id, other.id, user.id]
            )
            try db.execute(sql: "DELETE FROM friendship WHERE userA = ? AND userB = ?", arguments: [low, high])
            return db.changesCount > 0
        }
    }

    public func unblock(_ other: StoredUser, by user: StoredUser) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM block WHERE blockerId = ? AND blockedId = ?", arguments: [user.id, other.id])
            return db.changesCount > 0
        }
    }

    public func friends(of user: StoredUser) async throws -> [StoredUser] {
        try await pool.read { db in try Self.friends(db, of: user) }
    }

    public func friendships(of user: StoredUser) async throws -> Friendships {
        try await pool.read { db in try Self.friendships(db, of: user) }
    }

    static func friendships(_ db: Database, of user: StoredUser) throws -> Friendships {
        let incoming = SQLRequest<UserRecord>(literal: """
            SELECT u.* FROM user u JOIN friendRequest r ON r.fromId = u.id
            WHERE r.toId = \(user.id) ORDER BY r.createdAt
            """, cached: true)
        let outgoing = SQLRequest<UserRecord>(literal: """
            SELECT u.* FROM user u JOIN friendRequest r ON r.toId = u.id
            WHERE r.fromId = \(user.id) ORDER BY r.createdAt
            """, cached: true)
        let blocked = SQLRequest<UserRecord>(literal: """
            SELECT u.* FROM user u JOIN block b ON b.blockedId = u.id
            WHERE b.blockerId = \(user.id) ORDER BY u.nameKey
            """, cached: true)
        return Friendships(
            friends: try friends(db, of: user),
            incoming: try incoming.fetchAll(db).map(\.stored),
            outgoing: try outgoing.fetchAll(db).map(\.stored),
            blocked: try blocked.fetchAll(db).map(\.stored)
        )
    }

    private static func friends(_ db: Database, of user: StoredUser) throws -> [StoredUser] {
        try SQLRequest<UserRecord>(literal: """
            SELECT u.* FROM friendship f JOIN user u ON u.id = f.userB WHERE f.userA = \(user.id)
            UNION ALL
            SELECT u.* FROM friendship f JOIN user u ON u.id = f.userA WHERE f.userB = \(user.id)
            ORDER BY nameKey
            """, cached: true).fetchAll(db).map(\.stored)
    }

    public func directConversation(_ a: StoredUser, _ b: StoredUser) async throws -> StoredConversation {
        let (low, high) = Self.ordered(a, b)
        return try await pool.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO conversation (kind, name, userA, userB, createdAt)
                VALUES ('direct', ?, ?, ?, ?)
                """, arguments: ["direct:\(low):\(high)", low, high, Timestamp.nowMillis()])
            let row = try Row.fetchOne(
                db, sql: "SELECT id, name FROM conversation WHERE userA = ? AND userB = ?", arguments: [low, high]
            )!
            return StoredConversation(id: row["id"], name: row["name"])
        }
    }

    public func existingDirectConversation(_ a: StoredUser, _ b: StoredUser) async throws -> StoredConversation? {
        let (low, high) = Self.ordered(a, b)
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name FROM conversation WHERE userA = ? AND userB = ?", arguments: [low, high])
                .map { StoredConversation(id: $0["id"], name: $0["name"]) }
        }
    }

    public func waitingMessages(to user: StoredUser, after id: Int64, count: Int) async throws -> [PendingMessage] {
        try await pool.read { db in try Self.undeliveredMessages(db, to: user, after: id, count: count) }
    }

    /// Private messages to `user` not yet delivered after `id`, oldest first.
    static func undeliveredMessages(_ db: Database, to user: StoredUser, after id: Int64, count: Int) throws -> [PendingMessage] {
        try SQLRequest<MessageRow>(literal: """
            SELECT \(MessageRow.columns)
            FROM conversation c
            JOIN message m ON m.conversationId = c.id AND m.deliveredAt IS NULL
            JOIN user u ON u.id = m.senderId
            LEFT JOIN file f ON f.id = m.fileId
            WHERE c.kind = 'direct' AND (c.userA = \(user.id) OR c.userB = \(user.id)) AND m.senderId != \(user.id)
              AND m.id > \(id)
            ORDER BY m.id LIMIT \(count)
            """, cached: true).fetchAll(db).map { row in
            // The sender is the other member of the pair.
            PendingMessage(message: row.chatMessage(in: .direct(row.senderName)), from: row.senderName)
        }
    }

    public func markAwayReceived(by user: StoredUser, through id: Int64, at time: Int64) async throws {
        try await pool.write { db in
            try db.execute(literal: """
                UPDATE message SET deliveredAt = \(time)
                WHERE deliveredAt IS NULL AND id <= \(id) AND senderId != \(user.id) AND conversationId IN (
                    SELECT id FROM conversation WHERE kind = 'direct' AND (userA = \(user.id) OR userB = \(user.id)))
                """)
        }
    }

    public func markDelivered(_ ids: [Int64], at time: Int64) async throws {
        guard !ids.isEmpty else { return }
        try await pool.write { db in
            _ = try MessageRecord
                .filter(ids.contains(Column("id")) && Column("deliveredAt") == nil)
                .updateAll(db, Column("deliveredAt").set(to: time))
        }
    }
}
