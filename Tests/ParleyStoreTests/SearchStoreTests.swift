import Foundation
import GRDB
import ParleyDomain
import Testing

@testable import ParleyStore

/// The search index of the SQLite store: built for what was there before
/// it, kept in step by triggers.
@Suite struct SearchStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-search-\(UUID().uuidString).sqlite").path

    func search(_ store: SQLiteStore, _ text: String, for user: StoredUser) async throws -> [String] {
        try await store.search(try SearchRules.words(of: text), SearchQuery(text), for: user, in: nil, from: nil).map(\.text)
    }

    @Test func theMigrationIndexesMessagesStoredBeforeItAndTriggersKeepItInStep() async throws {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v10: read positions")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO user (name, nameKey, passwordHash, createdAt) VALUES ('ann', 'ann', 'x', 1)")
            try db.execute(sql: """
                INSERT INTO membership (conversationId, userId, joinedAt) SELECT id, 2, 1 FROM conversation WHERE nameKey = 'lobby';
                INSERT INTO message (conversationId, senderId, body, createdAt, deliveredAt)
                SELECT id, 2, 'written before search existed', 1, 1 FROM conversation WHERE nameKey = 'lobby';
                """)
        }
        try queue.close()

        let store = try SQLiteStore(path: path)
        let ann = try #require(try await store.user(nameKey: "ann"))
        #expect(try await search(store, "EXISTED", for: ann) == ["written before search existed"])
        let lobby = try #require(try await store.room(nameKey: "lobby"))
        _ = try await store.appendMessage(room: lobby, sender: ann, text: "東京で会いましょう", at: 2, deliveredAt: 2, afterCommit: { _ in })
        #expect(try await search(store, "会いまし", for: ann) == ["東京で会いましょう"], "trigrams find words without spaces")
        #expect(try await search(store, "東京", for: ann) == ["東京で会いましょう"], "a word of two characters too")
        #expect(try await search(store, "50%", for: ann).isEmpty, "% is a character, not a wildcard")
        try store.close()

        // A message changed or deleted (a room removed when idle) is found as it now is.
        let again = try DatabaseQueue(path: path)
        try await again.write { db in
            try db.execute(sql: "UPDATE message SET body = 'rewritten later' WHERE body LIKE 'written%'")
            try db.execute(sql: "DELETE FROM message WHERE body LIKE '東京%'")
        }
        try again.close()
        let reopened = try SQLiteStore(path: path)
        #expect(try await search(reopened, "existed", for: ann).isEmpty)
        #expect(try await search(reopened, "REWRITTEN", for: ann) == ["rewritten later"])
        #expect(try await search(reopened, "会いまし", for: ann).isEmpty)
        try reopened.close()
    }
}
