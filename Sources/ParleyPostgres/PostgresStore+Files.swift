import ParleyDomain
import ParleyStore
import PostgresNIO

extension PostgresStore {
    public func addFile(
        _ file: NewFile, in room: StoredConversation, uploader: StoredUser, at time: Int64, deliveredAt: Int64?,
        place: @escaping @Sendable (Int64) throws -> Void,
        afterCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> ChatMessage {
        try await writes.run {
            let message = try await transaction { connection in
                let id = try await connection.query("""
                    INSERT INTO file (conversationId, uploaderId, name, size, sha256, type, createdAt)
                    VALUES (\(room.id), \(uploader.id), \(file.name), \(file.size), \(file.sha256), \(file.type.rawValue), \(time))
                    RETURNING id
                    """, logger: logger).collect()[0].decode(Int64.self)
                let info = FileInfo(
                    id: id, conversation: room.conversation, name: file.name, size: file.size,
                    sha256: file.sha256, type: file.type, sender: uploader.name, time: time
                )
                let messageID = try await connection.query("""
                    INSERT INTO message (conversationId, senderId, kind, body, createdAt, deliveredAt, fileId)
                    VALUES (\(room.id), \(uploader.id), 'file', \(info.announcement), \(time), \(deliveredAt), \(id)) RETURNING id
                    """, logger: logger).collect()[0].decode(Int64.self)
                try place(id)
                return ChatMessage(id: messageID, conversation: room.conversation, sender: uploader.name, text: info.announcement, time: time, file: info)
            }
            // Still inside the gate, as for any message: one order for everybody.
            afterCommit(message)
            return message
        }
    }

    /// What to select from `file f JOIN "user" u ON u.id = f.uploaderId` for `fileInfo`.
    private static let fileColumns = "f.id, f.conversationId, f.name, f.size, f.sha256, f.type, u.name, f.createdAt"

    private static func fileInfo(_ row: PostgresRow, in conversation: ConversationID) throws -> FileInfo {
        let (id, _, name, size, sha256, type, uploader, time) = try row.decode(
            (Int64, Int64, String, Int64, String, String, String, Int64).self
        )
        return FileInfo(id: id, conversation: conversation, name: name, size: size, sha256: sha256,
                        type: FileType(rawValue: type) ?? .other, sender: uploader, time: time)
    }

    public func file(id: Int64) async throws -> StoredFile? {
        try await rows(PostgresQuery(unsafeSQL: #"""
            SELECT \#(Self.fileColumns), c.kind, \#(Self.roomColumns), c.userA, c.userB
            FROM file f JOIN "user" u ON u.id = f.uploaderId JOIN conversation c ON c.id = f.conversationId
            WHERE f.id = \#(id)
            """#)).first.map { row in
            let columns = row.makeRandomAccess()
            let kind = try columns[8].decode(String.self)
            let conversationID = try columns[1].decode(Int64.self)
            let name = try columns[10].decode(String.self)
            let place: StoredFile.Place = if kind == "room" {
                .room(StoredConversation(
                    id: conversationID, name: name, topic: try columns[11].decode(String?.self) ?? "",
                    openTopic: try columns[12].decode(Bool.self), createdBy: try columns[13].decode(Int64?.self),
                    allowGuests: try columns[14].decode(Bool.self)
                ))
            } else {
                .direct(conversation: conversationID, userA: try columns[15].decode(Int64.self), userB: try columns[16].decode(Int64.self))
            }
            return StoredFile(info: try Self.fileInfo(row, in: ConversationID(rawValue: name)), place: place)
        }
    }

    public func fileUsage(of user: StoredUser, since time: Int64) async throws -> FileUsage {
        let (byUser, byUserSince, all) = try await rows("""
            SELECT (SELECT COALESCE(SUM(size), 0)::bigint FROM file WHERE uploaderId = \(user.id)),
                   (SELECT COALESCE(SUM(size), 0)::bigint FROM file WHERE uploaderId = \(user.id) AND createdAt >= \(time)),
                   (SELECT COALESCE(SUM(size), 0)::bigint FROM file)
            """)[0].decode((Int64, Int64, Int64).self)
        return FileUsage(byUser: byUser, byUserSince: byUserSince, all: all)
    }

    public func files(in room: StoredConversation) async throws -> [FileInfo] {
        try await rows(PostgresQuery(unsafeSQL: #"""
            SELECT \#(Self.fileColumns) FROM file f JOIN "user" u ON u.id = f.uploaderId
            WHERE f.conversationId = \#(room.id) ORDER BY f.id DESC
            """#)).map { try Self.fileInfo($0, in: room.conversation) }
    }

    // MARK: Search

    public func search(
        _ words: [String], _ search: SearchQuery, for user: StoredUser, in conversation: StoredConversation?, from sender: StoredUser?
    ) async throws -> [ChatMessage] {
        // Numbers are written into the text; words are bound. The trigram
        // index serves ILIKE for words of three characters or more.
        var query = QueryBuilder(#"""
            SELECT \#(Self.messageColumns), c.kind, c.name, other.name
            FROM message m
            JOIN conversation c ON c.id = m.conversationId
            JOIN "user" u ON u.id = m.senderId
            LEFT JOIN file f ON f.id = m.fileId
            LEFT JOIN "user" other ON c.kind = 'direct' AND other.id = CASE WHEN c.userA = \#(user.id) THEN c.userB ELSE c.userA END
            WHERE 
            """#)
        query.add(searchConditions(for: user, in: conversation, from: sender, search).joined(separator: " AND "))
        for word in words {
            query.add(" AND m.body ILIKE ")
            query.bind(likePattern(word))
        }
        query.add(" ORDER BY m.id DESC LIMIT \(search.limit)")
        return try await rows(query.query).map { row in
            let columns = row.makeRandomAccess()
            let named = Self.named(
                kind: try columns[9].decode(String.self), name: try columns[10].decode(String?.self), peer: try columns[11].decode(String?.self)
            )
            return try Self.chatMessage(row, in: named)
        }
    }
}
