import GRDB
import ParleyDomain

/// The embedded store: one SQLite file in WAL mode. Writes go through
/// GRDB's single writer; reads run concurrently beside it.
public final class SQLiteStore: ChatStore {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) and migrates the database at `path`.
    /// `maxBytes` (0: none) caps the file's size: past it, writes fail as on
    /// a full disk.
    public init(path: String, maxBytes: Int64 = 0) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL keeps every commit across a crash of the
            // process; only a power cut may lose the latest transactions.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if maxBytes > 0 {
                let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \(max(1, maxBytes / pageSize))")
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error), fault: StorageFault(error))
        }
    }

    public func createUser(name: String, nameKey: String, skeleton: String, passwordHash: String, at time: Int64) async throws -> StoredUser {
        try await insert(UserRecord(name: name, nameKey: nameKey, skeleton: skeleton, passwordHash: passwordHash, createdAt: time))
    }

    public func createGuest(name: String, nameKey: String, skeleton: String, at time: Int64) async throws -> StoredUser {
        // "!" is no hash any password matches.
        try await insert(UserRecord(name: name, nameKey: nameKey, skeleton: skeleton, passwordHash: "!", createdAt: time, isGuest: true))
    }

    /// A new user, in the lobby from the start.
    private func insert(_ user: UserRecord) async throws -> StoredUser {
        do {
            return try await pool.write { db in
                var record = user
                try record.insert(db)
                try db.execute(sql: """
                    INSERT INTO membership (conversationId, userId, joinedAt)
                    SELECT id, ?, ? FROM conversation WHERE kind = 'room' AND nameKey = 'lobby'
                    """, arguments: [record.id, record.createdAt])
                return record.stored
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.nameTaken(user.name)
        }
    }

    public func releaseGuest(_ guest: StoredUser) async throws {
        try await pool.write { db in try Self.releaseGuests(db, only: guest.id) }
    }

    public func releaseGuests() async throws {
        try await pool.write { db in try Self.releaseGuests(db, only: nil) }
    }

    private static func releaseGuests(_ db: Database, only id: Int64?) throws {
        let holding: SQL = id.map { "id = \($0) AND isGuest" } ?? "isGuest AND nameKey NOT LIKE char(1) || '%'"
        try db.execute(literal: "DELETE FROM membership WHERE userId IN (SELECT id FROM user WHERE \(holding))")
        // A key and a skeleton no name folds to: names hold no control characters.
        try db.execute(literal: """
            UPDATE user SET nameKey = char(1) || 'guest ' || id, skeleton = char(1) || 'guest ' || id WHERE \(holding)
            """)
    }

    public func user(nameKey: String) async throws -> StoredUser? {
        try await pool.read { db in
            try UserRecord.filter(Column("nameKey") == nameKey).fetchOne(db)?.stored
        }
    }

    public func appendMessage(
        room: StoredConversation,
        sender: StoredUser,
        text: String,
        at time: Int64,
        deliveredAt: Int64?,
        afterCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> ChatMessage {
        try await pool.writeWithoutTransaction { db in
            var record = MessageRecord(
                conversationId: room.id, senderId: sender.id, kind: "text", body: text,
                createdAt: time, deliveredAt: deliveredAt
            )
            try db.inTransaction {
                try record.insert(db)
                return .commit
            }
            let message = ChatMessage(
                id: record.id!, conversation: ConversationID(rawValue: room.name),
                sender: sender.name, text: text, time: time
            )
            // Still on the writer: the next message cannot commit before
            // this one has been handed on.
            afterCommit(message)
            return message
        }
    }

    public func messages(in room: StoredConversation, page: HistoryPage) async throws -> (messages: [ChatMessage], hasMore: Bool) {
        try await pool.read { db in try Self.messages(db, in: room, page: page) }
    }

    static func messages(_ db: Database, in room: StoredConversation, page: HistoryPage) throws -> (messages: [ChatMessage], hasMore: Bool) {
        // One row past the limit tells whether another page exists.
        let probe = page.limit + 1
        let base: SQL = """
            SELECT \(MessageRow.columns)
            FROM message m JOIN user u ON u.id = m.senderId LEFT JOIN file f ON f.id = m.fileId
            WHERE m.conversationId = \(room.id)
            """
        let query: SQL = switch page {
        case .latest: "\(base) ORDER BY m.id DESC LIMIT \(probe)"
        case .before(let id, _): "\(base) AND m.id < \(id) ORDER BY m.id DESC LIMIT \(probe)"
        case .after(let id, _): "\(base) AND m.id > \(id) ORDER BY m.id ASC LIMIT \(probe)"
        }
        let rows = try SQLRequest<MessageRow>(literal: query, cached: true).fetchAll(db)
        var kept = rows.prefix(page.limit).map { $0.chatMessage(in: ConversationID(rawValue: room.name)) }
        if case .after = page {} else { kept.reverse() }
        return (kept, rows.count > page.limit)
    }

    public func user(id: Int64) async throws -> StoredUser? {
        try await pool.read { db in try UserRecord.fetchOne(db, key: id)?.stored }
    }

    /// Folds the WAL into the database file, then closes. GRDB closes its
    /// writer before its read-only readers, so the last connection to go
    /// cannot checkpoint by itself. A read still under way keeps the WAL for
    /// the next start, which loses nothing.
    public func close() throws {
        pool.releaseMemory()
        try? pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
        try pool.close()
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
        return "\(error)"
    }
}
