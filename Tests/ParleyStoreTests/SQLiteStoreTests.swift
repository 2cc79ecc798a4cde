import Foundation
import ParleyDomain
import ParleyStore
import Synchronization
import Testing

@Suite struct SQLiteStoreTests {
    let directory: URL
    var path: String { directory.appendingPathComponent("parley.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func lobby(_ store: SQLiteStore) async throws -> StoredConversation {
        try #require(try await store.room(nameKey: "lobby"))
    }

    @Test func migratingAnEmptyFileMakesTheLobbyInWALMode() async throws {
        let store = try SQLiteStore(path: path)
        #expect(try await store.room(nameKey: "lobby")?.name == "lobby")
        #expect(try await store.room(nameKey: "elsewhere") == nil)
        try store.close()
        // The header of a WAL database says so in bytes 18 and 19.
        let header = try #require(FileHandle(forReadingAtPath: path)?.readData(ofLength: 20))
        #expect(Array(header.suffix(2)) == [2, 2])
    }

    @Test func closingLeavesEverythingInTheDatabaseFile() async throws {
        let store = try SQLiteStore(path: path)
        let alice = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        _ = try await store.appendMessage(room: try await lobby(store), sender: alice, text: "kept", at: 2, deliveredAt: 2) { _ in }
        try store.close()
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "the WAL was checkpointed into the database file")
    }

    @Test func aFileThatIsNotADatabaseIsNamedInTheError() throws {
        try Data("definitely not sqlite, just text that is long enough to have a header".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("a text file opened as a database")
        } catch {
            #expect("\(error)".contains(path))
        }
    }
}
