import ParleyDomain
import ParleyStore
import PostgresNIO

/// Friendships and requests, and the private conversation of each pair.
extension PostgresStore {
    private static func ordered(_ a: StoredUser, _ b: StoredUser) -> (Int64, Int64) {
        a.id < b.id ? (a.id, b.id) : (b.id, a.id)
    }

    public func friendLink(_ a: StoredUser, _ b: StoredUser) async throws -> FriendLink {
        let (low, high) = Self.ordered(a, b)
        if let blocker = try await rows("""
            SELECT blockerId FROM block
            WHERE (blockerId = \(a.id) AND blockedId = \(b.id)) OR (blockerId = \(b.id) AND blockedId = \(a.id))
            ORDER BY createdAt LIMIT 1
            """).first?.decode(Int64.self) {
            return .blocked(by: blocker)
        }
        if try await !rows("SELECT 1 FROM friendship WHERE userA = \(low) AND userB = \(high)").isEmpty {
            return .friends
        }
        let requester = try await rows("""
            SELECT fromId FROM friendRequest
            WHERE (fromId = \(a.id) AND toId = \(b.id)) OR (fromId = \(b.id) AND toId = \(a.id))
            ORDER BY createdAt LIMIT 1
            """).first?.decode(Int64.self)
        return requester.map { .requested(by: $0) } ?? .strangers
    }

    public func addFriendRequest(from: StoredUser, to: StoredUser, at time: Int64) async throws {
        try await execute("INSERT INTO friendRequest (fromId, toId, createdAt) VALUES (\(from.id), \(to.id), \(time)) ON CONFLICT DO NOTHING")
    }

    public func removeFriendRequest(from: StoredUser, to: StoredUser) async throws -> Bool {
        try await changed("DELETE FROM friendRequest WHERE fromId = \(from.id) AND toId = \(to.id) RETURNING 1")
    }

    public func befriend(_ a: StoredUser, _ b: StoredUser, at time: Int64) async throws {
        let (low, high) = Self.ordered(a, b)
        try await transaction { connection in
            try await connection.query("""
                DELETE FROM friendRequest WHERE (fromId = \(a.id) AND toId = \(b.id)) OR (fromId = \(b.id) AND toId = \(a.id))
                """, logger: logger)
            try await connection.query(
                "INSERT INTO friendship (userA, userB, since) VALUES (\(low), \(high), \(time)) ON CONFLICT DO NOTHING", logger: logger
            )
        }
    }

    public func unfriend(_ a: StoredUser, _ b: StoredUser) async throws -> Bool {
        let (low, high) = Self.ordered(a, b)
        return try await changed("DELETE FROM friendship WHERE userA = \(low) AND userB = \(high) RETURNING 1")
    }

    public func block(_ other: StoredUser, by user: StoredUser, at time: Int64) async throws -> Bool {
        let (low, high) = Self.ordered(user, other)
        return try await transaction { connection in
            try await connection.query("""
                INSERT INTO block (blockerId, blockedId, createdAt) VALUES (\(user.id), \(other.id), \(time)) ON CONFLICT DO NOTHING
                """, logger: logger)
            try await connection.query("""
                DELETE FROM friendRequest
                WHERE (fromId = \(user.id) AND toId = \(other.id)) OR (fromId = \(other.id) AND toId = \(user.id))
                """, logger: logger)
            return try await !connection.query(
                "DELETE FROM friendship WHERE userA = \(low) AND userB = \(high) RETURNING 1", logger: logger
            ).collect().isEmpty
        }
    }

    public func unblock(_ other: StoredUser, by user: StoredUser) async throws -> Bool {
        try await changed("DELETE FROM block WHERE blockerId = \(user.id) AND blockedId = \(other.id) RETURNING 1")
    }

    public func friends(of user: StoredUser) async throws -> [StoredUser] {
        try await connection { connection in try await friends(of: user, on: connection) }
    }

    public func friendships(of user: StoredUser) async throws -> Friendships {
        try await connection { connection in try await friendships(of: user, on: connection) }
    }

    func friendships(of user: StoredUser, on connection: PostgresConnection) async throws -> Friendships {
        func users(_ query: String) async throws -> [StoredUser] {
            try await connection.query(PostgresQuery(unsafeSQL: query), logger: logger).collect().map(Self.storedUser)
        }
        let columns = Self.userColumns
        return Friendships(
            friends: try await friends(of: user, on: connection),
            incoming: try await users(#"""
                SELECT \#(columns) FROM "user" u JOIN friendRequest r ON r.fromId = u.id WHERE r.toId = \#(user.id) ORDER BY r.createdAt
                """#),
            outgoing: try await users(#"""
                SELECT \#(columns) FROM "user" u JOIN friendRequest r ON r.toId = u.id WHERE r.fromId = \#(user.id) ORDER BY r.createdAt
                """#),
            blocked: try await users(#"""
                SELECT \#(columns) FROM "user" u JOIN block b ON b.blockedId = u.id WHERE b.blockerId = \#(user.id)
                ORDER BY u.nameKey COLLATE "C"
                """#)
        )
    }

    private func friends(of user: StoredUser, on connection: PostgresConnection) async throws -> [StoredUser] {
        try await connection.query(PostgresQuery(unsafeSQL: #"""
            SELECT \#(Self.userColumns) FROM "user" u WHERE u.id IN (
                SELECT userB FROM friendship WHERE userA = \#(user.id) UNION ALL SELECT userA FROM friendship WHERE userB = \#(user.id)
            ) ORDER BY u.nameKey COLLATE "C"
            """#), logger: logger).collect().map(Self.storedUser)
    }

    public func directConversation(_ a: StoredUser, _ b: StoredUser) async throws -> StoredConversation {
        let (low, high) = Self.ordered(a, b)
        try await execute("""
            INSERT INTO conversation (kind, name, userA, userB, createdAt)
            VALUES ('direct', \("direct:\(low):\(high)"), \(low), \(high), \(Timestamp.nowMillis())) ON CONFLICT DO NOTHING
            """)
        return try await existingDirectConversation(a, b)!
    }

    public func existingDirectConversation(_ a: StoredUser, _ b: StoredUser) async throws -> StoredConversation? {
        let (low, high) = Self.ordered(a, b)
        return try await rows("SELECT id, name FROM conversation WHERE userA = \(low) AND userB = \(high)").first.map { row in
            let (id, name) = try row.decode((Int64, String).self)
            return StoredConversation(id: id, name: name)
        }
    }

    public func waitingMessages(to user: StoredUser, after id: Int64, count: Int) async throws -> [PendingMessage] {
        try await connection { connection in try await undeliveredMessages(to: user, after: id, count: count, on: connection) }
    }

    /// Private messages to `user` not yet delivered after `id`, oldest first.
    func undeliveredMessages(to user: StoredUser, after id: Int64, count: Int, on connection: PostgresConnection) async throws -> [PendingMessage] {
        try await connection.query(PostgresQuery(unsafeSQL: #"""
            SELECT \#(Self.messageColumns)
            FROM conversation c
            JOIN message m ON m.conversationId = c.id AND m.deliveredAt IS NULL
            JOIN "user" u ON u.id = m.senderId
            LEFT JOIN file f ON f.id = m.fileId
            WHERE c.kind = 'direct' AND (c.userA = \#(user.id) OR c.userB = \#(user.id)) AND m.senderId <> \#(user.id)
              AND m.id > \#(id)
            ORDER BY m.id LIMIT \#(count)
            """#), logger: logger).collect().map { row in
            // The sender is the other member of the pair.
            let sender = try row.decode((Int64, String).self).1
            return PendingMessage(message: try Self.chatMessage(row, in: .direct(sender)), from: sender)
        }
    }

    public func markAwayReceived(by user: StoredUser, through id: Int64, at time: Int64) async throws {
        try await execute("""
            UPDATE message SET deliveredAt = \(time)
            WHERE deliveredAt IS NULL AND id <= \(id) AND senderId <> \(user.id) AND conversationId IN (
                SELECT id FROM conversation WHERE kind = 'direct' AND (userA = \(user.id) OR userB = \(user.id)))
            """)
    }

    public func markDelivered(_ ids: [Int64], at time: Int64) async throws {
        guard !ids.isEmpty else { return }
        try await execute("UPDATE message SET deliveredAt = \(time) WHERE id = ANY(\(ids)) AND deliveredAt IS NULL")
    }
}
