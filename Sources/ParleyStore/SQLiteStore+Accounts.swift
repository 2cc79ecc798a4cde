import GRDB
import ParleyDomain

extension SQLiteStore {
    public func removeResumeTokens(of user: StoredUser, keeping kept: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM resumeToken WHERE userId = ? AND hash IS NOT ?", arguments: [user.id, kept]
            )
        }
    }

    public func user(skeleton: String) async throws -> StoredUser? {
        try await pool.read { db in
            try UserRecord.filter(Column("skeleton") == skeleton).fetchOne(db)?.stored
        }
    }

    public func fillSkeletons(_ skeleton: @Sendable (String) -> String) async throws -> Int {
        try await pool.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, name FROM user WHERE skeleton IS NULL AND nameKey NOT LIKE ?", arguments: ["\u{1}%"])
            for row in rows {
                let name: String = row["name"]
                try db.execute(sql: "UPDATE user SET skeleton = ? WHERE id = ?", arguments: [skeleton(name), row["id"]])
            }
            return rows.count
        }
    }

    public func setPasswordHash(_ hash: String, of user: StoredUser) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE id = ?", arguments: [hash, user.id])
        }
    }

    public func deleteAccount(_ user: StoredUser) async throws -> [Int64] {
        try await pool.write { db in
            let files = try Int64.fetchAll(db, sql: """
                SELECT f.id FROM file f JOIN conversation c ON c.id = f.conversationId
                WHERE f.uploaderId = ? AND c.kind = 'direct'
                """, arguments: [user.id])
            for id in files {
                try db.execute(sql: "UPDATE message SET fileId = NULL WHERE fileId = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM file WHERE id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM membership WHERE userId = ?", arguments: [user.id])
            try db.execute(sql: "DELETE FROM friendship WHERE userA = ? OR userB = ?", arguments: [user.id, user.id])
            try db.execute(sql: "DELETE FROM friendRequest WHERE fromId = ? OR toId = ?", arguments: [user.id, user.id])
            try db.execute(sql: "DELETE FROM block WHERE blockerId = ? OR blockedId = ?", arguments: [user.id, user.id])
            try db.execute(sql: "DELETE FROM resumeToken WHERE userId = ?", arguments: [user.id])
            // The row stays for the messages that name it; no password
            // verifies against "!", and no name folds to this key.
            try db.execute(
                sql: "UPDATE user SET name = ?, nameKey = ?, skeleton = NULL, passwordHash = '!' WHERE id = ?",
                arguments: [DeletedAccount.name, DeletedAccount.nameKey(of: user.id), user.id]
            )
            return files
        }
    }
}
