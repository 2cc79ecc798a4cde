import Logging
import ParleyDomain
import ParleyStore
import PostgresNIO

/// The store of nodes that share one PostgreSQL: the same behaviour as
/// `SQLiteStore` (one store test suite runs against both), over a pool of
/// connections.
public final class PostgresStore: ChatStore {
    public let url: DatabaseURL
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    /// Messages commit and reach `afterCommit` one at a time, in id order.
    let writes = SerialGate()

    /// Connects with at most `connections` at once and migrates; throws
    /// `StoreError.cannotOpen` naming the database when it cannot.
    public static func open(
        _ url: DatabaseURL, connections: Int = 10, connectTimeout: Duration = .seconds(10), logger: Logger = Logger(label: "parley.postgres")
    ) async throws(StoreError) -> PostgresStore {
        let tls: PostgresClient.Configuration.TLS = switch url.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls
        )
        configuration.options.maximumConnections = connections
        configuration.options.connectTimeout = connectTimeout
        // The pool retries a failed connection for ever, logging each try:
        // one connection first names what is wrong (no server, no such
        // database, a refused user) at once.
        do {
            try await url.connect(timeout: connectTimeout).close()
        } catch {
            throw .cannotOpen(path: url.description, reason: reason(error), fault: nil)
        }
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let store = PostgresStore(url: url, client: client, logger: logger)
        do {
            try await PostgresSchema.migrate(client, logger: logger)
        } catch {
            try? store.close()
            throw .cannotOpen(path: url.description, reason: Self.reason(error), fault: nil)
        }
        return store
    }

    private init(url: DatabaseURL, client: PostgresClient, logger: Logger) {
        self.url = url
        self.client = client
        self.logger = logger
        running = Task { await client.run() }
    }

    public func close() throws {
        running.cancel()
    }

    static func reason(_ error: any Error) -> String {
        Failure(error).description
    }

    // MARK: Querying

    /// What PostgreSQL refused, in its words: postgres-nio's own errors
    /// describe themselves generically (to keep queries out of logs).
    public struct Failure: Error, CustomStringConvertible {
        /// The SQLSTATE code, such as 23505 for a unique violation.
        public let state: String?
        public let description: String

        init(_ error: any Error) {
            var error = error
            if let transaction = error as? PostgresTransactionError {
                error = transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? error
            }
            if let failure = error as? Failure {
                self = failure
            } else if let error = error as? PSQLError {
                state = error.serverInfo?[.sqlState]
                description = error.serverInfo.map { info in
                    "PostgreSQL: " + (info[.message] ?? "error") + (info[.detail].map { " (\($0))" } ?? "")
                } ?? "PostgreSQL: \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
            } else {
                state = nil
                description = "\(error)"
            }
        }
    }

    /// Runs `body`, its PostgreSQL errors made `Failure`s; others (a
    /// caller's own, thrown inside a transaction) as they were.
    func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw Failure(error)
        } catch let error as PostgresTransactionError {
            if let own = error.closureError, !(own is PSQLError) { throw own }
            throw Failure(error)
        }
    }

    /// Every row of `query`.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await translating { try await client.query(query, logger: logger).collect() }
    }

    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// Whether `query` (which returns a row per row it changed) changed any.
    func changed(_ query: PostgresQuery) async throws -> Bool {
        try await !rows(query).isEmpty
    }

    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await translating {
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// A connection of the pool for several statements outside a transaction.
    func connection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await translating {
            try await client.withConnection { connection in try await body(connection) }
        }
    }

    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? Failure)?.state == "23505"
    }

    // MARK: Users

    /// What to select from `"user" u` for `storedUser`.
    static let userColumns = "u.id, u.name, u.passwordHash, u.createdAt, u.isGuest"

    static func storedUser(_ row: PostgresRow) throws -> StoredUser {
        let (id, name, hash, created, guest) = try row.decode((Int64, String, String, Int64, Bool).self)
        return StoredUser(id: id, name: name, passwordHash: hash, createdAt: created, isGuest: guest)
    }

    /// The user whose `column` holds `value`.
    func user<Value: PostgresDynamicTypeEncodable>(_ column: String, _ value: Value) async throws -> StoredUser? {
        var query = QueryBuilder(#"SELECT \#(Self.userColumns) FROM "user" u WHERE u.\#(column) = "#)
        query.bind(value)
        return try await rows(query.query).first.map(Self.storedUser)
    }

    public func createUser(name: String, nameKey: String, skeleton: String, passwordHash: String, at time: Int64) async throws -> StoredUser {
        try await insertUser(name: name, nameKey: nameKey, skeleton: skeleton, passwordHash: passwordHash, at: time, guest: false)
    }

    public func createGuest(name: String, nameKey: String, skeleton: String, at time: Int64) async throws -> StoredUser {
        // "!" is no hash any password matches.
        try await insertUser(name: name, nameKey: nameKey, skeleton: skeleton, passwordHash: "!", at: time, guest: true)
    }

    /// A new user, in the lobby from the start.
    private func insertUser(name: String, nameKey: String, skeleton: String, passwordHash: String, at time: Int64, guest: Bool) async throws -> StoredUser {
        do {
            return try await transaction { connection in
                let id = try await connection.query("""
                    INSERT INTO "user" (name, nameKey, skeleton, passwordHash, createdAt, isGuest)
                    VALUES (\(name), \(nameKey), \(skeleton), \(passwordHash), \(time), \(guest)) RETURNING id
                    """, logger: logger).collect()[0].decode(Int64.self)
                try await connection.query("""
                    INSERT INTO membership (conversationId, userId, joinedAt)
                    SELECT id, \(id), \(time) FROM conversation WHERE kind = 'room' AND nameKey = 'lobby'
                    """, logger: logger)
                return StoredUser(id: id, name: name, passwordHash: passwordHash, createdAt: time, isGuest: guest)
            }
        } catch where Self.isUniqueViolation(error) {
            throw StoreError.nameTaken(name)
        }
    }

    public func user(nameKey: String) async throws -> StoredUser? {
        try await user("nameKey", nameKey)
    }

    public func user(skeleton: String) async throws -> StoredUser? {
        try await user("skeleton", skeleton)
    }

    public func user(id: Int64) async throws -> StoredUser? {
        try await user("id", id)
    }

    public func releaseGuest(_ guest: StoredUser) async throws {
        try await releaseGuests(only: guest.id)
    }

    public func releaseGuests() async throws {
        try await releaseGuests(only: nil)
    }

    /// Frees guests' names (a key and a skeleton no name folds to: names
    /// hold no control characters) and ends their memberships.
    private func releaseGuests(only id: Int64?) async throws {
        // Ids are numbers, safe to write into the text.
        let holding = id.map { "id = \($0) AND isGuest" } ?? "isGuest AND left(nameKey, 1) <> chr(1)"
        try await transaction { connection in
            try await connection.query(PostgresQuery(unsafeSQL: #"""
                DELETE FROM membership WHERE userId IN (SELECT id FROM "user" WHERE \#(holding))
                """#), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: #"""
                UPDATE "user" SET nameKey = chr(1) || 'guest ' || id, skeleton = chr(1) || 'guest ' || id WHERE \#(holding)
                """#), logger: logger)
        }
    }

    public func fillSkeletons(_ skeleton: @Sendable (String) -> String) async throws -> Int {
        let rows = try await rows(#"SELECT id, name FROM "user" WHERE skeleton IS NULL AND left(nameKey, 1) <> chr(1)"#)
        for row in rows {
            let (id, name) = try row.decode((Int64, String).self)
            try await execute(#"UPDATE "user" SET skeleton = \#(skeleton(name)) WHERE id = \#(id)"#)
        }
        return rows.count
    }

    public func setPasswordHash(_ hash: String, of user: StoredUser) async throws {
        try await execute(#"UPDATE "user" SET passwordHash = \#(hash) WHERE id = \#(user.id)"#)
    }

    public func deleteAccount(_ user: StoredUser) async throws -> [Int64] {
        try await transaction { connection in
            let files = try await connection.query("""
                SELECT f.id FROM file f JOIN conversation c ON c.id = f.conversationId
                WHERE f.uploaderId = \(user.id) AND c.kind = 'direct'
                """, logger: logger).collect().map { try $0.decode(Int64.self) }
            try await connection.query("UPDATE message SET fileId = NULL WHERE fileId = ANY(\(files))", logger: logger)
            try await connection.query("DELETE FROM file WHERE id = ANY(\(files))", logger: logger)
            try await connection.query("DELETE FROM membership WHERE userId = \(user.id)", logger: logger)
            try await connection.query("DELETE FROM friendship WHERE userA = \(user.id) OR userB = \(user.id)", logger: logger)
            try await connection.query("DELETE FROM friendRequest WHERE fromId = \(user.id) OR toId = \(user.id)", logger: logger)
            try await connection.query("DELETE FROM block WHERE blockerId = \(user.id) OR blockedId = \(user.id)", logger: logger)
            try await connection.query("DELETE FROM resumeToken WHERE userId = \(user.id)", logger: logger)
            // The row stays for the messages that name it.
            try await connection.query("""
                UPDATE "user" SET name = \(DeletedAccount.name), nameKey = \(DeletedAccount.nameKey(of: user.id)),
                    skeleton = NULL, passwordHash = '!' WHERE id = \(user.id)
                """, logger: logger)
            return files
        }
    }

    // MARK: Messages

    /// What to select, from `message m JOIN "user" u ON u.id = m.senderId
    /// LEFT JOIN file f ON f.id = m.fileId`, for `chatMessage`.
    static let messageColumns = "m.id, u.name, m.body, m.createdAt, f.id, f.name, f.size, f.sha256, f.type"

    static func chatMessage(_ row: PostgresRow, in conversation: ConversationID) throws -> ChatMessage {
        let (id, sender, body, time, fileID, fileName, fileSize, fileSHA, fileType) = try row.decode(
            (Int64, String, String, Int64, Int64?, String?, Int64?, String?, String?).self
        )
        let file = fileID.map { fileID in
            FileInfo(id: fileID, conversation: conversation, name: fileName ?? "", size: fileSize ?? 0, sha256: fileSHA ?? "",
                     type: FileType(rawValue: fileType ?? "") ?? .other, sender: sender, time: time)
        }
        return ChatMessage(id: id, conversation: conversation, sender: sender, text: body, time: time, file: file)
    }

    public func appendMessage(
        room: StoredConversation, sender: StoredUser, text: String, at time: Int64, deliveredAt: Int64?,
        afterCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> ChatMessage {
        try await writes.run {
            let id = try await rows("""
                INSERT INTO message (conversationId, senderId, kind, body, createdAt, deliveredAt)
                VALUES (\(room.id), \(sender.id), 'text', \(text), \(time), \(deliveredAt)) RETURNING id
                """)[0].decode(Int64.self)
            let message = ChatMessage(id: id, conversation: room.conversation, sender: sender.name, text: text, time: time)
            afterCommit(message)
            return message
        }
    }

    public func messages(in room: StoredConversation, page: HistoryPage) async throws -> (messages: [ChatMessage], hasMore: Bool) {
        try await messages(in: room, page: page, on: nil)
    }

    /// One page of history, on `connection` (inside a transaction) or the pool.
    func messages(in room: StoredConversation, page: HistoryPage, on connection: PostgresConnection?) async throws -> (messages: [ChatMessage], hasMore: Bool) {
        // One row past the limit tells whether another page exists.
        let probe = page.limit + 1
        let order = switch page {
        case .latest: "ORDER BY m.id DESC"
        case .before(let id, _): "AND m.id < \(id) ORDER BY m.id DESC"
        case .after(let id, _): "AND m.id > \(id) ORDER BY m.id ASC"
        }
        // Ids and counts are numbers, safe to write into the text.
        let query = PostgresQuery(unsafeSQL: """
            SELECT \(Self.messageColumns)
            FROM message m JOIN "user" u ON u.id = m.senderId LEFT JOIN file f ON f.id = m.fileId
            WHERE m.conversationId = \(room.id) \(order) LIMIT \(probe)
            """)
        let rows = if let connection {
            try await connection.query(query, logger: logger).collect()
        } else {
            try await rows(query)
        }
        var kept = try rows.prefix(page.limit).map { try Self.chatMessage($0, in: room.conversation) }
        if case .after = page {} else { kept.reverse() }
        return (kept, rows.count > page.limit)
    }
}
