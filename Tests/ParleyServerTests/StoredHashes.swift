import GRDB

/// Reads what the server really stored, straight from its SQLite file.
enum StoredHashes {
    static func read(databaseIn directory: String) throws -> [String] {
        let queue = try DatabaseQueue(path: directory + "/parley.sqlite")
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT passwordHash FROM user WHERE name != 'robot' ORDER BY id") }
    }
}
