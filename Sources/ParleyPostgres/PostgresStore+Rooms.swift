import ParleyDomain
import ParleyStore
import PostgresNIO

extension PostgresStore {
    /// What to select from `conversation c` for `storedRoom`.
    static let roomColumns = "c.id, c.name, c.topic, c.openTopic, c.createdBy, c.allowGuests"
    /// Rooms in the order people see them: the lobby, then by name.
    static let roomOrder = #"(c.nameKey <> 'lobby'), c.nameKey COLLATE "C""#

    static func storedRoom(_ row: PostgresRow) throws -> StoredConversation {
        let (id, name, topic, openTopic, createdBy, allowGuests) = try row.decode((Int64, String, String?, Bool, Int64?, Bool).self)
        return StoredConversation(id: id, name: name, topic: topic ?? "", openTopic: openTopic, createdBy: createdBy, allowGuests: allowGuests)
    }

    public func room(nameKey: String) async throws -> StoredConversation? {
        var query = QueryBuilder("SELECT \(Self.roomColumns) FROM conversation c WHERE c.kind = 'room' AND c.nameKey = ")
        query.bind(nameKey)
        return try await rows(query.query).first.map(Self.storedRoom)
    }

    public func createRoom(
        name: String, nameKey: String, topic: String, openTopic: Bool, creator: StoredUser, at time: Int64
    ) async throws -> StoredConversation {
        do {
            return try await transaction { connection in
                let id = try await connection.query("""
                    INSERT INTO conversation (kind, name, nameKey, topic, openTopic, createdBy, createdAt)
                    VALUES ('room', \(name), \(nameKey), \(topic), \(openTopic), \(creator.id), \(time)) RETURNING id
                    """, logger: logger).collect()[0].decode(Int64.self)
                try await connection.query(
                    "INSERT INTO membership (conversationId, userId, joinedAt) VALUES (\(id), \(creator.id), \(time))", logger: logger
                )
                return StoredConversation(id: id, name: name, topic: topic, openTopic: openTopic, createdBy: creator.id)
            }
        } catch where Self.isUniqueViolation(error) {
            throw StoreError.nameTaken(name)
        }
    }

    public func removeIdleRooms(unusedSince time: Int64) async throws -> (rooms: [String], files: [Int64]) {
        try await transaction { connection in
            let idle = try await connection.query("""
                SELECT c.id, c.name FROM conversation c
                WHERE c.kind = 'room' AND c.nameKey <> 'lobby' AND c.memberCount = 0 AND c.createdAt < \(time)
                  AND NOT EXISTS (SELECT 1 FROM message m WHERE m.conversationId = c.id AND m.createdAt >= \(time))
                """, logger: logger).collect().map { try $0.decode((Int64, String).self) }
            let ids = idle.map(\.0)
            let files = try await connection.query("SELECT id FROM file WHERE conversationId = ANY(\(ids))", logger: logger)
                .collect().map { try $0.decode(Int64.self) }
            try await connection.query("DELETE FROM message WHERE conversationId = ANY(\(ids))", logger: logger)
            try await connection.query("DELETE FROM file WHERE conversationId = ANY(\(ids))", logger: logger)
            try await connection.query("DELETE FROM conversation WHERE id = ANY(\(ids))", logger: logger)
            return (idle.map(\.1), files)
        }
    }

    public func join(_ user: StoredUser, to room: StoredConversation, at time: Int64) async throws -> Bool {
        try await changed("""
            INSERT INTO membership (conversationId, userId, joinedAt) VALUES (\(room.id), \(user.id), \(time))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    public func leave(_ user: StoredUser, from room: StoredConversation) async throws -> Bool {
        try await changed("DELETE FROM membership WHERE conversationId = \(room.id) AND userId = \(user.id) RETURNING 1")
    }

    public func isMember(_ user: StoredUser, of room: StoredConversation) async throws -> Bool {
        try await !rows("SELECT 1 FROM membership WHERE conversationId = \(room.id) AND userId = \(user.id)").isEmpty
    }

    public func rooms(of user: StoredUser) async throws -> [StoredConversation] {
        try await rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.roomColumns) FROM membership m JOIN conversation c ON c.id = m.conversationId
            WHERE m.userId = \(user.id) ORDER BY \(Self.roomOrder)
            """)).map(Self.storedRoom)
    }

    public func allRooms() async throws -> [RoomCount] {
        try await rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.roomColumns), c.memberCount FROM conversation c WHERE c.kind = 'room' ORDER BY \(Self.roomOrder)
            """)).map { row in
            let (id, name, topic, openTopic, createdBy, allowGuests, members) = try row.decode(
                (Int64, String, String?, Bool, Int64?, Bool, Int64).self
            )
            let room = StoredConversation(id: id, name: name, topic: topic ?? "", openTopic: openTopic, createdBy: createdBy, allowGuests: allowGuests)
            return RoomCount(room: room, members: Int(members))
        }
    }

    public func setAllowGuests(_ allow: Bool, in room: StoredConversation) async throws {
        try await execute("UPDATE conversation SET allowGuests = \(allow) WHERE id = \(room.id)")
    }

    public func setTopic(_ topic: String, of room: StoredConversation) async throws {
        try await execute("UPDATE conversation SET topic = \(topic) WHERE id = \(room.id)")
    }

    public func messageCount(in room: StoredConversation, since time: Int64) async throws -> Int {
        try await Int(rows("SELECT COUNT(*) FROM message WHERE conversationId = \(room.id) AND createdAt >= \(time)")[0].decode(Int64.self))
    }

    public func firstMessageID(in conversation: StoredConversation, atOrAfter time: Int64) async throws -> Int64? {
        try await rows("""
            SELECT id FROM message WHERE conversationId = \(conversation.id) AND createdAt >= \(time) ORDER BY createdAt, id LIMIT 1
            """).first?.decode(Int64.self)
    }

    public func activeConversations(of user: StoredUser, from start: Int64, through end: Int64, limit: Int) async throws -> [ConversationActivity] {
        try await rows("""
            SELECT c.kind, c.name, other.name, MAX(m.createdAt) AS latest
            FROM conversation c
            JOIN message m ON m.conversationId = c.id AND m.createdAt >= \(start) AND m.createdAt <= \(end)
            LEFT JOIN "user" other ON c.kind = 'direct' AND other.id = CASE WHEN c.userA = \(user.id) THEN c.userB ELSE c.userA END
            WHERE c.id IN (SELECT conversationId FROM membership WHERE userId = \(user.id))
               OR (c.kind = 'direct' AND (c.userA = \(user.id) OR c.userB = \(user.id)))
            GROUP BY c.id, other.name ORDER BY latest, c.id LIMIT \(limit)
            """).map { row in
            let (kind, name, peer, latest) = try row.decode((String, String?, String?, Int64).self)
            return ConversationActivity(conversation: Self.named(kind: kind, name: name, peer: peer), latest: latest)
        }
    }

    /// A conversation as a user names it: a room by its name, a private
    /// one as `@` and the other's name.
    static func named(kind: String, name: String?, peer: String?) -> ConversationID {
        kind == "direct" ? .direct(peer ?? "") : ConversationID(rawValue: name ?? "")
    }

    // MARK: Arriving

    public func roomView(_ room: StoredConversation, size: RoomViewSize) async throws -> RoomView {
        try await connection { connection in try await roomView(room, size: size, on: connection) }
    }

    public func welcome(of user: StoredUser, in rooms: [StoredConversation], size: RoomViewSize, waitingAtMost: Int) async throws -> StoredWelcome {
        // One snapshot for every part, as SQLite's one read transaction.
        try await connection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                var views: [RoomView] = []
                for room in rooms { views.append(try await roomView(room, size: size, on: connection)) }
                let welcome = StoredWelcome(
                    rooms: views,
                    friendships: try await friendships(of: user, on: connection),
                    away: try await undeliveredMessages(to: user, after: 0, count: waitingAtMost + 1, on: connection),
                    read: try await readPositions(of: user, on: connection)
                )
                try await connection.query("COMMIT", logger: logger)
                return welcome
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    private func roomView(_ room: StoredConversation, size: RoomViewSize, on connection: PostgresConnection) async throws -> RoomView {
        let count = try await connection.query("SELECT memberCount FROM conversation WHERE id = \(room.id)", logger: logger)
            .collect().first?.decode(Int64.self) ?? 0
        let names = count > size.namingAtMost ? [] : try await connection.query("""
            SELECT u.name FROM membership m JOIN "user" u ON u.id = m.userId
            WHERE m.conversationId = \(room.id) ORDER BY u.nameKey COLLATE "C"
            """, logger: logger).collect().map { try $0.decode(String.self) }
        let (history, hasMore) = size.history > 0
            ? try await messages(in: room, page: .latest(limit: size.history), on: connection)
            : ([], true)
        return RoomView(room: room, memberCount: Int(count), memberNames: names, history: history, hasMore: hasMore)
    }
}
