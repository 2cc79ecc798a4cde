import Foundation
import GRDB
import ParleyDomain
@testable import ParleyStore
import Testing

/// What a login reads in one transaction, and the member counts it reads
/// without counting rows.
@Suite struct WelcomeTests {
    let directory: URL
    var path: String { directory.appendingPathComponent("parley.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-stored-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func user(_ store: SQLiteStore, _ name: String) async throws -> StoredUser {
        try await store.createUser(name: name, nameKey: name, skeleton: name, passwordHash: "h", at: 1)
    }

    func count(_ store: SQLiteStore, _ room: StoredConversation) async throws -> Int {
        try await store.roomView(room, size: RoomViewSize(history: 0, namingAtMost: 0)).memberCount
    }

    @Test func memberCountsFollowJoiningAndLeaving() async throws {
        let store = try SQLiteStore(path: path)
        let lobby = try #require(try await store.room(nameKey: "lobby"))
        let (ann, ben) = (try await user(store, "ann"), try await user(store, "ben"))
        #expect(try await count(store, lobby) == 2)
        let dev = try await store.createRoom(name: "dev", nameKey: "dev", topic: "", openTopic: false, creator: ann, at: 2)
        #expect(try await count(store, dev) == 1)
        #expect(try await store.join(ben, to: dev, at: 3))
        #expect(try await !store.join(ben, to: dev, at: 4))
        #expect(try await count(store, dev) == 2)
        #expect(try await store.leave(ann, from: dev))
        #expect(try await !store.leave(ann, from: dev))
        #expect(try await count(store, dev) == 1)
        #expect(try await store.allRooms().map(\.members) == [2, 1])
        try store.close()
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
        _ = try await user(store, "dee")
        #expect(try await count(store, try #require(try await store.room(nameKey: "lobby"))) == 4)
        try store.close()
    }

    @Test func aWelcomeHoldsRoomsFriendsAndWaitingMessages() async throws {
        let store = try SQLiteStore(path: path)
        let lobby = try #require(try await store.room(nameKey: "lobby"))
        let (ann, ben, cid, dee) = (
            try await user(store, "ann"), try await user(store, "ben"), try await user(store, "cid"), try await user(store, "dee")
        )
        let dev = try await store.createRoom(name: "dev", nameKey: "dev", topic: "code", openTopic: false, creator: ann, at: 2)
        for n in 1...3 {
            _ = try await store.appendMessage(room: lobby, sender: ben, text: "hi \(n)", at: 3, deliveredAt: 3) { _ in }
        }
        try await store.befriend(ann, ben, at: 4)
        try await store.addFriendRequest(from: cid, to: ann, at: 5)
        try await store.addFriendRequest(from: ann, to: dee, at: 6)
        let pair = try await store.directConversation(ann, ben)
        let waiting = try await store.appendMessage(room: pair, sender: ben, text: "psst", at: 7, deliveredAt: nil) { _ in }

        let rooms = try await store.rooms(of: ann)
        let stored = try await store.welcome(of: ann, in: rooms, size: RoomViewSize(history: 2, namingAtMost: 3), waitingAtMost: 10)
        #expect(stored.rooms.map(\.room) == [lobby, dev])
        // Four members are more than the three to be named; dev's one is not.
        #expect(stored.rooms.map(\.memberCount) == [4, 1])
        #expect(stored.rooms.map(\.memberNames) == [[], ["ann"]])
        #expect(stored.rooms[0].history.map(\.text) == ["hi 2", "hi 3"])
        #expect(stored.rooms[0].hasMore)
        #expect(stored.rooms[1].history.isEmpty && !stored.rooms[1].hasMore)
        #expect(stored.friendships == Friendships(friends: [ben], incoming: [cid], outgoing: [dee], blocked: []))
        #expect(stored.away.map(\.message.id) == [waiting.id])
        #expect(stored.away.map(\.from) == ["ben"])
        // Ben's own message to ann is not waiting for ben.
        #expect(try await store.welcome(of: ben, in: [], size: RoomViewSize(history: 0, namingAtMost: 0), waitingAtMost: 10).away.isEmpty)
        try store.close()
    }
}
