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

    @Test func aUserIsStoredAndFoundByKeyOnly() async throws {
        let store = try SQLiteStore(path: path)
        let alice = try await store.createUser(name: "Alice", nameKey: "alice", skeleton: "alice", passwordHash: "scrypt$x", at: 5)
        #expect(try await store.user(nameKey: "alice") == alice)
        #expect(try await store.user(nameKey: "bob") == nil)
        await #expect(throws: StoreError.nameTaken("ALICE")) {
            try await store.createUser(name: "ALICE", nameKey: "alice", skeleton: "alice", passwordHash: "scrypt$y", at: 6)
        }
        try store.close()
    }

    @Test func aMessageIsReadBackAndHandedOnAfterItsCommit() async throws {
        let store = try SQLiteStore(path: path)
        let lobby = try await lobby(store)
        let alice = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        let handed = HandedOn()
        let message = try await store.appendMessage(room: lobby, sender: alice, text: "héllo 🌍", at: 77, deliveredAt: 77) { message in
            handed.add(message)
        }
        #expect(message.sender == "alice" && message.text == "héllo 🌍" && message.time == 77)
        #expect(handed.all == [message])
        let read = try await store.messages(in: lobby, page: .latest(limit: 10))
        #expect(read.messages == [message])
        #expect(read.hasMore == false)
        try store.close()
    }

    @Test func messagesAreFoundByTimeAndConversationsByTheirLatestMessage() async throws {
        let store = try SQLiteStore(path: path)
        let lobby = try await lobby(store)
        let alice = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        let bob = try await store.createUser(name: "bob", nameKey: "bob", skeleton: "bob", passwordHash: "h", at: 1)
        let carol = try await store.createUser(name: "carol", nameKey: "carol", skeleton: "carol", passwordHash: "h", at: 1)
        var ids: [Int64] = []
        for time in [100, 200, 200, 300] as [Int64] {
            ids.append(try await store.appendMessage(room: lobby, sender: alice, text: "at \(time)", at: time, deliveredAt: time) { _ in }.id)
        }
        #expect(try await store.firstMessageID(in: lobby, atOrAfter: 150) == ids[1])
        #expect(try await store.firstMessageID(in: lobby, atOrAfter: 200) == ids[1], "the first of two at one time")
        #expect(try await store.firstMessageID(in: lobby, atOrAfter: 201) == ids[3])
        #expect(try await store.firstMessageID(in: lobby, atOrAfter: 301) == nil)

        let pair = try await store.directConversation(alice, bob)
        _ = try await store.appendMessage(room: pair, sender: bob, text: "psst", at: 250, deliveredAt: nil) { _ in }
        let others = try await store.directConversation(bob, carol)
        _ = try await store.appendMessage(room: others, sender: carol, text: "not alice's", at: 260, deliveredAt: nil) { _ in }
        let active = try await store.activeConversations(of: alice, from: 0, through: 1000, limit: 10)
        #expect(active == [ConversationActivity(conversation: .direct("bob"), latest: 250), ConversationActivity(conversation: .lobby, latest: 300)])
        #expect(try await store.activeConversations(of: alice, from: 0, through: 220, limit: 10)
                == [ConversationActivity(conversation: .lobby, latest: 200)])
        #expect(try await store.activeConversations(of: alice, from: 0, through: 1000, limit: 1).count == 1)
        #expect(try await store.activeConversations(of: carol, from: 0, through: 1000, limit: 10).map(\.conversation) == [.direct("bob"), .lobby],
                "her own private chat, not alice's")
        try store.close()
    }

    @Test func pagingOverTenThousandMessagesReturnsEachOnceInOrder() async throws {
        let store = try SQLiteStore(path: path)
        let lobby = try await lobby(store)
        let alice = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for i in 0..<2500 {
                        _ = try await store.appendMessage(room: lobby, sender: alice, text: "\(writer)-\(i)", at: Int64(i), deliveredAt: Int64(i)) { _ in }
                    }
                }
            }
            try await group.waitForAll()
        }

        var backwards: [ChatMessage] = []
        var page = try await store.messages(in: lobby, page: .latest(limit: 200))
        backwards = page.messages + backwards
        while page.hasMore {
            page = try await store.messages(in: lobby, page: .before(id: backwards.first!.id, limit: 200))
            backwards = page.messages + backwards
        }
        #expect(backwards.count == 10_000)
        #expect(zip(backwards, backwards.dropFirst()).allSatisfy { $0.id < $1.id })
        #expect(Set(backwards.map(\.text)).count == 10_000)

        var forwards: [ChatMessage] = []
        var after: Int64 = 0
        repeat {
            page = try await store.messages(in: lobby, page: .after(id: after, limit: 137))
            forwards += page.messages
            after = forwards.last?.id ?? after
        } while page.hasMore
        #expect(forwards == backwards)
        try store.close()
    }

    @Test func closingLeavesEverythingInTheDatabaseFile() async throws {
        let store = try SQLiteStore(path: path)
        let alice = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        _ = try await store.appendMessage(room: try await lobby(store), sender: alice, text: "kept", at: 2, deliveredAt: 2) { _ in }
        try store.close()
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "the WAL was checkpointed into the database file")
    }

    @Test func messagesSurviveReopening() async throws {
        var store = try SQLiteStore(path: path)
        let alice = try await store.createUser(name: "alice", nameKey: "alice", skeleton: "alice", passwordHash: "h", at: 1)
        let sent = try await store.appendMessage(room: try await lobby(store), sender: alice, text: "still here", at: 3, deliveredAt: 3) { _ in }
        try store.close()
        store = try SQLiteStore(path: path)
        #expect(try await store.messages(in: try await lobby(store), page: .latest(limit: 5)).messages == [sent])
        try store.close()
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

private final class HandedOn: Sendable {
    private let messages = Mutex<[ChatMessage]>([])
    func add(_ message: ChatMessage) { messages.withLock { $0.append(message) } }
    var all: [ChatMessage] { messages.withLock { $0 } }
}
