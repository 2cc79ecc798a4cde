import Foundation
import GRDB
import ParleyDomain
@testable import ParleyStore
import Testing

/// SQLite's migration v6 counts the members of rooms made before it (the
/// counts a login reads without counting rows).
@Suite struct WelcomeTests {
    let directory: URL
    var path: String { directory.appendingPathComponent("parley.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-stored-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func count(_ store: SQLiteStore, _ room: StoredConversation) async throws -> Int {
        try await store.roomView(room, size: RoomViewSize(history: 0, namingAtMost: 0)).memberCount
    }

    @Test func migratingCountsTheMembersThatExist() async throws {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v5: resume tokens; indexes for many users")
        try await queue.write { db in
            for name in ["ann", "ben", "cid"] {
                try db.execute(sql: "INSERT INTO user (name, nameKey, passwordHash, createdAt) VALUES (?, ?, 'h', 1)", arguments: [name, name])
                try db.execute(sql: """
                    INSERT INTO membership (conversationId, userId, joinedAt)
                    SELECT c.id, u.id, 1 FROM conversation c, user u WHERE c.nameKey = 'lobby' AND u.nameKey = ?
                    """, arguments: [name])
            }
        }
        try queue.close()
        let store = try SQLiteStore(path: path)
        #expect(try await count(store, try #require(try await store.room(nameKey: "lobby"))) == 3)
        _ = try await store.createUser(name: "dee", nameKey: "dee", skeleton: "dee", passwordHash: "h", at: 1)
        #expect(try await count(store, try #require(try await store.room(nameKey: "lobby"))) == 4)
        try store.close()
    }

}
