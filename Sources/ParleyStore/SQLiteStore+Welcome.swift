import GRDB
import ParleyDomain

/// What members find on arriving in a room or logging in.
extension SQLiteStore {
    public func roomView(_ room: StoredConversation, size: RoomViewSize) async throws -> RoomView {
        try await pool.read { db in try Self.roomView(db, of: room, size: size) }
    }

    public func welcome(of user: StoredUser, in rooms: [StoredConversation], size: RoomViewSize, waitingAtMost: Int) async throws -> StoredWelcome {
        try await pool.read { db in
            StoredWelcome(
                rooms: try rooms.map { try Self.roomView(db, of: $0, size: size) },
                friendships: try Self.friendships(db, of: user),
                away: try Self.undeliveredMessages(db, to: user, after: 0, count: waitingAtMost + 1),
                read: try Self.readPositions(db, of: user)
            )
        }
    }

    private static func roomView(_ db: Database, of room: StoredConversation, size: RoomViewSize) throws -> RoomView {
        let count = try SQLRequest<Int>(literal: "SELECT memberCount FROM conversation WHERE id = \(room.id)", cached: true)
            .fetchOne(db) ?? 0
        let names = count > size.namingAtMost ? [] : try SQLRequest<String>(literal: """
            SELECT u.name FROM membership m JOIN user u ON u.id = m.userId
            WHERE m.conversationId = \(room.id) ORDER BY u.nameKey
            """, cached: true).fetchAll(db)
        let (history, hasMore) = size.history > 0
            ? try messages(db, in: room, page: .latest(limit: size.history))
            : ([], true)
        return RoomView(room: room, memberCount: count, memberNames: names, history: history, hasMore: hasMore)
    }
}
