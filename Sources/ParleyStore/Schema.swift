import GRDB
import ParleyProtocol

/// The schema, one migration per step; a migration once shipped never changes.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: users, rooms, messages") { db in
            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("nameKey", .text).notNull().unique()
                t.column("passwordHash", .text).notNull()
                t.column("createdAt", .integer).notNull()
            }
            // Rooms and private chats are both conversations, so messages
            // (and later files) hang off one table whatever their kind.
            try db.create(table: "conversation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull().check { ["room", "direct"].contains($0) }
                t.column("name", .text)
                t.column("nameKey", .text).unique()
                t.column("topic", .text)
                t.column("createdBy", .integer).references("user")
                t.column("createdAt", .integer).notNull()
            }
            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("conversationId", .integer).notNull().references("conversation")
                t.column("senderId", .integer).notNull().references("user")
                t.column("kind", .text).notNull().defaults(to: "text")
                t.column("body", .text).notNull()
                t.column("createdAt", .integer).notNull()
            }
            // Serves "latest N", "before id" and "after id" of one conversation.
            try db.create(index: "message_by_conversation", on: "message", columns: ["conversationId", "id"])
            try db.execute(
                sql: "INSERT INTO conversation (kind, name, nameKey, createdAt) VALUES ('room', 'lobby', 'lobby', ?)",
                arguments: [Timestamp.nowMillis()]
            )
        }
        return migrator
    }
}
