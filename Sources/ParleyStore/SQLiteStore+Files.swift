import GRDB
import ParleyDomain

extension SQLiteStore {
    public func addFile(
        _ file: NewFile, in room: StoredConversation, uploader: StoredUser, at time: Int64, deliveredAt: Int64?,
        place: @escaping @Sendable (Int64) throws -> Void,
        afterCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> ChatMessage {
        try await pool.writeWithoutTransaction { db in
            var message: ChatMessage?
            try db.inTransaction {
                try db.execute(sql: """
                    INSERT INTO file (conversationId, uploaderId, name, size, sha256, type, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [room.id, uploader.id, file.name, file.size, file.sha256, file.type.rawValue, time])
                let info = FileInfo(
                    id: db.lastInsertedRowID, conversation: room.conversation, name: file.name, size: file.size,
                    sha256: file.sha256, type: file.type, sender: uploader.name, time: time
                )
                var record = MessageRecord(
                    conversationId: room.id, senderId: uploader.id, kind: "file", body: info.announcement,
                    createdAt: time, deliveredAt: deliveredAt, fileId: info.id
                )
                try record.insert(db)
                try place(info.id)
                message = ChatMessage(id: record.id!, conversation: room.conversation, sender: uploader.name,
                                      text: info.announcement, time: time, file: info)
                return .commit
            }
            // Still on the writer, as for any message: one order for everybody.
            afterCommit(message!)
            return message!
        }
    }

    public func file(id: Int64) async throws -> StoredFile? {
        let request: SQLRequest<Row> = """
            SELECT \(FileRow.columns), c.kind, c.name AS conversationName, c.topic, c.openTopic, c.createdBy, c.allowGuests, c.userA, c.userB
            FROM file f JOIN user u ON u.id = f.uploaderId JOIN conversation c ON c.id = f.conversationId
            WHERE f.id = \(id)
            """
        return try await pool.read { db in
            try request.fetchOne(db).map { row in
                let name: String = row["conversationName"]
                let place: StoredFile.Place = row["kind"] == "room"
                    ? .room(StoredConversation(id: row["conversationId"], name: name, topic: row["topic"] ?? "",
                                       openTopic: row["openTopic"], createdBy: row["createdBy"], allowGuests: row["allowGuests"]))
                    : .direct(conversation: row["conversationId"], userA: row["userA"], userB: row["userB"])
                return StoredFile(info: try FileRow(row: row).info(in: ConversationID(rawValue: name)), place: place)
            }
        }
    }

    public func fileUsage(of user: StoredUser, since time: Int64) async throws -> FileUsage {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT COALESCE(SUM(size), 0) FROM file WHERE uploaderId = ?),
                       (SELECT COALESCE(SUM(size), 0) FROM file WHERE uploaderId = ? AND createdAt >= ?),
                       (SELECT COALESCE(SUM(size), 0) FROM file)
                """, arguments: [user.id, user.id, time])!
            return FileUsage(byUser: row[0], byUserSince: row[1], all: row[2])
        }
    }

    public func files(in room: StoredConversation) async throws -> [FileInfo] {
        let request: SQLRequest<FileRow> = """
            SELECT \(FileRow.columns)
            FROM file f JOIN user u ON u.id = f.uploaderId
            WHERE f.conversationId = \(room.id)
            ORDER BY f.id DESC
            """
        return try await pool.read { db in try request.fetchAll(db).map { $0.info(in: room.conversation) } }
    }
}
