import GRDB

extension SQLiteStore {
    public func addResumeToken(hash: String, for user: StoredUser, at time: Int64, expiresAt: Int64, keepingNewest count: Int) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO resumeToken (hash, userId, createdAt, expiresAt) VALUES (?, ?, ?, ?)",
                arguments: [hash, user.id, time, expiresAt]
            )
            try db.execute(sql: """
                DELETE FROM resumeToken WHERE userId = ? AND hash NOT IN (
                    SELECT hash FROM resumeToken WHERE userId = ? ORDER BY createdAt DESC, rowid DESC LIMIT ?
                )
                """, arguments: [user.id, user.id, count])
            try db.execute(sql: "DELETE FROM resumeToken WHERE expiresAt <= ?", arguments: [time])
        }
    }

    public func user(resumeToken hash: String, nameKey: String, at time: Int64) async throws -> StoredUser? {
        try await pool.read { db in
            try SQLRequest<UserRecord>(literal: """
                SELECT u.* FROM resumeToken t JOIN user u ON u.id = t.userId
                WHERE t.hash = \(hash) AND u.nameKey = \(nameKey) AND t.expiresAt > \(time)
                """, cached: true).fetchOne(db)?.stored
        }
    }

    public func removeResumeToken(hash: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM resumeToken WHERE hash = ?", arguments: [hash])
        }
    }
}
