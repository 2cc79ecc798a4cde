import Foundation
import ParleyDomain
import ParleyStore
import Synchronization
import Testing

/// What every store does alike, run against each (`StoreKind`).
@Suite struct ChatStoreTests {
    func user(_ store: any ChatStore, _ name: String, at time: Int64 = 1) async throws -> StoredUser {
        try await store.createUser(name: name, nameKey: name.lowercased(), skeleton: name.lowercased(), passwordHash: "h", at: time)
    }

    func lobby(_ store: any ChatStore) async throws -> StoredConversation {
        try #require(try await store.room(nameKey: "lobby"))
    }

    func post(_ store: any ChatStore, _ text: String, by sender: StoredUser, in room: StoredConversation, at time: Int64 = 1, waiting: Bool = false) async throws -> ChatMessage {
        try await store.appendMessage(room: room, sender: sender, text: text, at: time, deliveredAt: waiting ? nil : time) { _ in }
    }

    func count(_ store: any ChatStore, _ room: StoredConversation) async throws -> Int {
        try await store.roomView(room, size: RoomViewSize(history: 0, namingAtMost: 0)).memberCount
    }

    @Test(arguments: StoreKind.allCases) func aNewStoreHasTheLobbyAndTheRobot(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        #expect(try await store.room(nameKey: "lobby")?.name == "lobby")
        #expect(try await store.room(nameKey: "elsewhere") == nil)
        #expect(try await store.user(nameKey: ProtocolConstants.robotName)?.passwordHash == "!")
        #expect(try await store.allRooms().map(\.room.name) == ["lobby"])
    }

    @Test(arguments: StoreKind.allCases) func aUserIsStoredAndFoundByKeySkeletonAndID(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let alice = try await store.createUser(name: "Alice", nameKey: "alice", skeleton: "alice", passwordHash: "scrypt$x", at: 5)
        #expect(try await store.user(nameKey: "alice") == alice)
        #expect(try await store.user(skeleton: "alice") == alice)
        #expect(try await store.user(id: alice.id) == alice)
        #expect(try await store.user(nameKey: "bob") == nil)
        await #expect(throws: StoreError.nameTaken("ALICE")) {
            try await store.createUser(name: "ALICE", nameKey: "alice", skeleton: "alice", passwordHash: "scrypt$y", at: 6)
        }
        #expect(try await store.isMember(alice, of: try await lobby(store)), "a new user is in the lobby")
        try await store.setPasswordHash("scrypt$z", of: alice)
        #expect(try await store.user(nameKey: "alice")?.passwordHash == "scrypt$z")
    }

    @Test(arguments: StoreKind.allCases) func aMessageIsReadBackAndHandedOnAfterItsCommitInIDOrder(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let alice = try await user(store, "alice")
        let handed = HandedOn()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for i in 0..<25 {
                        _ = try await store.appendMessage(room: lobby, sender: alice, text: "héllo 🌍 \(writer)-\(i)", at: 77, deliveredAt: 77) {
                            handed.add($0)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(handed.all.count == 100)
        #expect(handed.all.map(\.id) == handed.all.map(\.id).sorted(), "handed on in the order of their ids")
        let read = try await store.messages(in: lobby, page: .latest(limit: 100))
        #expect(read.messages == handed.all)
        #expect(read.hasMore == false)
    }

    @Test(arguments: StoreKind.allCases) func pagingOverThousandsOfMessagesReturnsEachOnceInOrder(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let alice = try await user(store, "alice")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for i in 0..<500 {
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
        #expect(backwards.count == 2000)
        #expect(zip(backwards, backwards.dropFirst()).allSatisfy { $0.id < $1.id })
        #expect(Set(backwards.map(\.text)).count == 2000)
        var forwards: [ChatMessage] = []
        var after: Int64 = 0
        repeat {
            page = try await store.messages(in: lobby, page: .after(id: after, limit: 137))
            forwards += page.messages
            after = forwards.last?.id ?? after
        } while page.hasMore
        #expect(forwards == backwards)
    }

    @Test(arguments: StoreKind.allCases) func messagesSurviveReopening(_ kind: StoreKind) async throws {
        let place = try await kind.newPlace()
        var store = try await kind.open(place)
        let alice = try await user(store, "alice")
        let sent = try await post(store, "still here", by: alice, in: try await lobby(store))
        try store.close()
        store = try await kind.open(place)
        defer { try? store.close() }
        #expect(try await store.messages(in: try await lobby(store), page: .latest(limit: 5)).messages == [sent])
        #expect(try await store.user(nameKey: "alice") == alice)
    }

    @Test(arguments: StoreKind.allCases) func messagesAreFoundByTimeAndConversationsByTheirLatestMessage(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let (alice, bob, carol) = (try await user(store, "alice"), try await user(store, "bob"), try await user(store, "carol"))
        var ids: [Int64] = []
        for time in [100, 200, 200, 300] as [Int64] {
            ids.append(try await post(store, "at \(time)", by: alice, in: lobby, at: time).id)
        }
        #expect(try await store.firstMessageID(in: lobby, atOrAfter: 150) == ids[1])
        #expect(try await store.firstMessageID(in: lobby, atOrAfter: 200) == ids[1], "the first of two at one time")
        #expect(try await store.firstMessageID(in: lobby, atOrAfter: 201) == ids[3])
        #expect(try await store.firstMessageID(in: lobby, atOrAfter: 301) == nil)
        #expect(try await store.messageCount(in: lobby, since: 200) == 3)

        let pair = try await store.directConversation(alice, bob)
        _ = try await post(store, "psst", by: bob, in: pair, at: 250, waiting: true)
        let others = try await store.directConversation(bob, carol)
        _ = try await post(store, "not alice's", by: carol, in: others, at: 260, waiting: true)
        let active = try await store.activeConversations(of: alice, from: 0, through: 1000, limit: 10)
        #expect(active == [ConversationActivity(conversation: .direct("bob"), latest: 250), ConversationActivity(conversation: .lobby, latest: 300)])
        #expect(try await store.activeConversations(of: alice, from: 0, through: 220, limit: 10)
                == [ConversationActivity(conversation: .lobby, latest: 200)])
        #expect(try await store.activeConversations(of: alice, from: 0, through: 1000, limit: 1).count == 1)
        #expect(try await store.activeConversations(of: carol, from: 0, through: 1000, limit: 10).map(\.conversation) == [.direct("bob"), .lobby],
                "her own private chat, not alice's")
    }

    @Test(arguments: StoreKind.allCases) func roomsAreMadeJoinedLeftCountedAndListedLobbyFirst(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let (ann, ben) = (try await user(store, "ann"), try await user(store, "ben"))
        #expect(try await count(store, lobby) == 2)
        let dev = try await store.createRoom(name: "dev", nameKey: "dev", topic: "code", openTopic: true, creator: ann, at: 2)
        _ = try await store.createRoom(name: "Art", nameKey: "art", topic: "", openTopic: false, creator: ben, at: 2)
        await #expect(throws: StoreError.nameTaken("DEV")) {
            try await store.createRoom(name: "DEV", nameKey: "dev", topic: "", openTopic: false, creator: ben, at: 3)
        }
        #expect(try await store.room(nameKey: "dev") == dev)
        #expect(dev.topic == "code" && dev.openTopic && dev.createdBy == ann.id)
        #expect(try await count(store, dev) == 1)
        #expect(try await store.join(ben, to: dev, at: 3))
        #expect(try await !store.join(ben, to: dev, at: 4))
        #expect(try await count(store, dev) == 2)
        #expect(try await store.rooms(of: ben).map(\.name) == ["lobby", "Art", "dev"])
        #expect(try await store.leave(ann, from: dev))
        #expect(try await !store.leave(ann, from: dev))
        #expect(try await !store.isMember(ann, of: dev))
        #expect(try await store.allRooms().map(\.members) == [2, 1, 1])
        try await store.setTopic("new", of: dev)
        #expect(try await store.room(nameKey: "dev")?.topic == "new")
        let view = try await store.roomView(dev, size: RoomViewSize(history: 5, namingAtMost: 5))
        #expect(view.memberNames == ["ben"] && view.memberCount == 1)
    }

    @Test(arguments: StoreKind.allCases) func idleRoomsGoWithTheirMessagesAndFiles(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let ann = try await user(store, "ann")
        let idle = try await store.createRoom(name: "idle", nameKey: "idle", topic: "", openTopic: false, creator: ann, at: 10)
        let busy = try await store.createRoom(name: "busy", nameKey: "busy", topic: "", openTopic: false, creator: ann, at: 10)
        let file = try await store.addFile(
            NewFile(name: "a.txt", size: 3, sha256: "abc", type: .text), in: idle, uploader: ann, at: 11, deliveredAt: 11,
            place: { _ in }, afterCommit: { _ in }
        )
        _ = try await post(store, "recent", by: ann, in: busy, at: 500)
        _ = try await store.leave(ann, from: idle)
        _ = try await store.leave(ann, from: busy)
        let removed = try await store.removeIdleRooms(unusedSince: 100)
        #expect(removed.rooms == ["idle"])
        #expect(removed.files == [try #require(file.file).id])
        #expect(try await store.room(nameKey: "idle") == nil)
        #expect(try await store.room(nameKey: "busy") != nil)
        #expect(try await store.file(id: try #require(file.file).id) == nil)
    }

    @Test(arguments: StoreKind.allCases) func guestsHoldNamesWhileHereAndRoomsLetThemInWhenTold(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let alice = try await user(store, "alice")
        await #expect(throws: StoreError.nameTaken("Alice")) {
            try await store.createGuest(name: "Alice", nameKey: "alice", skeleton: "alice", at: 2)
        }
        let guest = try await store.createGuest(name: "visitor", nameKey: "visitor", skeleton: "visitor", at: 3)
        #expect(guest.isGuest && guest.passwordHash == "!")
        #expect(try await store.isMember(guest, of: lobby))
        _ = try await post(store, "hello", by: guest, in: lobby, at: 4)
        try await store.releaseGuest(guest)
        #expect(try await store.user(nameKey: "visitor") == nil)
        #expect(try await store.user(skeleton: "visitor") == nil)
        #expect(try await !store.isMember(guest, of: lobby))
        _ = try await store.createGuest(name: "visitor", nameKey: "visitor", skeleton: "visitor", at: 5)
        #expect(try await store.messages(in: lobby, page: .latest(limit: 10)).messages.map(\.sender) == ["visitor"])

        let left = try await store.createGuest(name: "left", nameKey: "left", skeleton: "left", at: 6)
        try await store.releaseGuests()
        #expect(try await store.user(nameKey: "left") == nil)
        #expect(try await !store.isMember(left, of: lobby))
        #expect(try await store.user(nameKey: "alice") == alice)
        #expect(try await store.isMember(alice, of: lobby))

        let room = try await store.createRoom(name: "dev", nameKey: "dev", topic: "", openTopic: false, creator: alice, at: 7)
        #expect(room.allowGuests == false)
        try await store.setAllowGuests(true, in: room)
        #expect(try await store.room(nameKey: "dev")?.allowGuests == true)
        #expect(try await store.rooms(of: alice).first { $0.name == "dev" }?.allowGuests == true)
        #expect(try await store.allRooms().first { $0.room.name == "dev" }?.room.allowGuests == true)
    }

    @Test(arguments: StoreKind.allCases) func friendsRequestsAndBlocks(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let (ann, ben, cid, dee) = (try await user(store, "ann"), try await user(store, "ben"), try await user(store, "cid"), try await user(store, "dee"))
        #expect(try await store.friendLink(ann, ben) == .strangers)
        try await store.addFriendRequest(from: ann, to: ben, at: 2)
        try await store.addFriendRequest(from: ann, to: ben, at: 3)
        #expect(try await store.friendLink(ben, ann) == .requested(by: ann.id))
        #expect(try await store.friendships(of: ben).incoming == [ann])
        #expect(try await store.removeFriendRequest(from: ann, to: ben))
        #expect(try await !store.removeFriendRequest(from: ann, to: ben))
        try await store.addFriendRequest(from: ann, to: ben, at: 4)
        try await store.befriend(ben, ann, at: 5)
        #expect(try await store.friendLink(ann, ben) == .friends)
        #expect(try await store.friendships(of: ben) == Friendships(friends: [ann], incoming: [], outgoing: [], blocked: []))
        try await store.befriend(ann, dee, at: 6)
        #expect(try await store.friends(of: ann) == [ben, dee])
        #expect(try await store.unfriend(dee, ann))
        #expect(try await !store.unfriend(dee, ann))
        try await store.addFriendRequest(from: cid, to: ann, at: 7)
        #expect(try await store.block(cid, by: ann, at: 8) == false)
        #expect(try await store.block(ben, by: ann, at: 9) == true, "they were friends")
        #expect(try await store.friendLink(cid, ann) == .blocked(by: ann.id))
        #expect(try await store.friendships(of: ann) == Friendships(friends: [], incoming: [], outgoing: [], blocked: [ben, cid]))
        #expect(try await store.unblock(cid, by: ann))
        #expect(try await !store.unblock(cid, by: ann))
        #expect(try await store.friendLink(cid, ann) == .strangers)
    }

    @Test(arguments: StoreKind.allCases) func privateMessagesWaitUntilDeliveredAndReadPositionsOnlyMoveForward(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let (ann, ben) = (try await user(store, "ann"), try await user(store, "ben"))
        #expect(try await store.existingDirectConversation(ann, ben) == nil)
        let pair = try await store.directConversation(ann, ben)
        #expect(try await store.directConversation(ben, ann) == pair)
        #expect(try await store.existingDirectConversation(ben, ann) == pair)
        let first = try await post(store, "one", by: ben, in: pair, at: 2, waiting: true)
        let second = try await post(store, "two", by: ben, in: pair, at: 3, waiting: true)
        let third = try await post(store, "three", by: ben, in: pair, at: 4, waiting: true)
        _ = try await post(store, "mine", by: ann, in: pair, at: 5, waiting: true)
        #expect(try await store.waitingMessages(to: ann, after: 0, count: 10).map(\.message.text) == ["one", "two", "three"])
        #expect(try await store.waitingMessages(to: ann, after: first.id, count: 1).map(\.from) == ["ben"])
        try await store.markDelivered([second.id], at: 6)
        #expect(try await store.waitingMessages(to: ann, after: 0, count: 10).map(\.message.id) == [first.id, third.id])
        try await store.markAwayReceived(by: ann, through: first.id, at: 7)
        #expect(try await store.waitingMessages(to: ann, after: 0, count: 10).map(\.message.id) == [third.id])

        #expect(try await store.markRead(ann, in: pair, through: second.id) == second.id)
        #expect(try await store.markRead(ann, in: pair, through: first.id) == nil, "never back")
        #expect(try await store.markRead(ann, in: pair, through: 1_000_000) != 1_000_000, "never past the newest")
        let welcome = try await store.welcome(of: ann, in: [], size: RoomViewSize(history: 0, namingAtMost: 0), waitingAtMost: 10)
        #expect(welcome.read[.direct("ben")] != nil)
        #expect(welcome.away.map(\.message.id) == [third.id])
    }

    @Test(arguments: StoreKind.allCases) func aWelcomeHoldsRoomsFriendsAndWaitingMessages(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let (ann, ben, cid, dee) = (try await user(store, "ann"), try await user(store, "ben"), try await user(store, "cid"), try await user(store, "dee"))
        let dev = try await store.createRoom(name: "dev", nameKey: "dev", topic: "code", openTopic: false, creator: ann, at: 2)
        for n in 1...3 { _ = try await post(store, "hi \(n)", by: ben, in: lobby, at: 3) }
        try await store.befriend(ann, ben, at: 4)
        try await store.addFriendRequest(from: cid, to: ann, at: 5)
        try await store.addFriendRequest(from: ann, to: dee, at: 6)
        let pair = try await store.directConversation(ann, ben)
        let waiting = try await post(store, "psst", by: ben, in: pair, at: 7, waiting: true)
        let rooms = try await store.rooms(of: ann)
        let stored = try await store.welcome(of: ann, in: rooms, size: RoomViewSize(history: 2, namingAtMost: 3), waitingAtMost: 10)
        #expect(stored.rooms.map(\.room) == [lobby, dev])
        #expect(stored.rooms.map(\.memberCount) == [4, 1])
        #expect(stored.rooms.map(\.memberNames) == [[], ["ann"]])
        #expect(stored.rooms[0].history.map(\.text) == ["hi 2", "hi 3"])
        #expect(stored.rooms[0].hasMore)
        #expect(stored.rooms[1].history.isEmpty && !stored.rooms[1].hasMore)
        #expect(stored.friendships == Friendships(friends: [ben], incoming: [cid], outgoing: [dee], blocked: []))
        #expect(stored.away.map(\.message.id) == [waiting.id])
        #expect(try await store.welcome(of: ben, in: [], size: RoomViewSize(history: 0, namingAtMost: 0), waitingAtMost: 10).away.isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func resumeTokensLogInUntilTheyExpireOrAreRevoked(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let ann = try await user(store, "ann")
        for n in 1...3 {
            try await store.addResumeToken(hash: "h\(n)", for: ann, at: Int64(n), expiresAt: 100, keepingNewest: 2)
        }
        #expect(try await store.user(resumeToken: "h1", nameKey: "ann", at: 10) == nil, "past the newest two")
        #expect(try await store.user(resumeToken: "h3", nameKey: "ann", at: 10) == ann)
        #expect(try await store.user(resumeToken: "h3", nameKey: "ben", at: 10) == nil, "another name")
        #expect(try await store.user(resumeToken: "h3", nameKey: "ann", at: 100) == nil, "expired")
        try await store.removeResumeTokens(of: ann, keeping: "h3")
        #expect(try await store.user(resumeToken: "h2", nameKey: "ann", at: 10) == nil)
        #expect(try await store.user(resumeToken: "h3", nameKey: "ann", at: 10) == ann)
        try await store.removeResumeToken(hash: "h3")
        #expect(try await store.user(resumeToken: "h3", nameKey: "ann", at: 10) == nil)
    }

    @Test(arguments: StoreKind.allCases) func filesAreRecordedWithTheirMessageAndCountedForQuotas(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let (ann, ben) = (try await user(store, "ann"), try await user(store, "ben"))
        let placed = Mutex<[Int64]>([])
        let message = try await store.addFile(
            NewFile(name: "cat.png", size: 1000, sha256: "aa", type: .png), in: lobby, uploader: ann, at: 5, deliveredAt: 5,
            place: { id in placed.withLock { $0.append(id) } }, afterCommit: { _ in }
        )
        let info = try #require(message.file)
        #expect(placed.withLock { $0 } == [info.id])
        #expect(info.name == "cat.png" && info.type == .png && info.sender == "ann")
        #expect(try await store.messages(in: lobby, page: .latest(limit: 5)).messages == [message])
        #expect(try await store.files(in: lobby) == [info])
        #expect(try await store.file(id: info.id) == StoredFile(info: info, place: .room(lobby)))
        let pair = try await store.directConversation(ann, ben)
        let secret = try await store.addFile(
            NewFile(name: "notes.txt", size: 24, sha256: "bb", type: .text), in: pair, uploader: ann, at: 9, deliveredAt: nil,
            place: { _ in }, afterCommit: { _ in }
        )
        let (low, high) = ann.id < ben.id ? (ann.id, ben.id) : (ben.id, ann.id)
        #expect(try await store.file(id: try #require(secret.file).id)?.place == .direct(conversation: pair.id, userA: low, userB: high))
        #expect(try await store.fileUsage(of: ann, since: 6) == FileUsage(byUser: 1024, byUserSince: 24, all: 1024))
        #expect(try await store.fileUsage(of: ben, since: 0) == FileUsage(byUser: 0, byUserSince: 0, all: 1024))
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await store.addFile(
                NewFile(name: "x", size: 1, sha256: "cc", type: .other), in: lobby, uploader: ann, at: 10, deliveredAt: 10,
                place: { _ in throw Refused() }, afterCommit: { _ in }
            )
        }
        #expect(try await store.files(in: lobby) == [info], "nothing recorded when placing the bytes failed")
    }

    @Test(arguments: StoreKind.allCases) func deletingAnAccountKeepsItsMessagesUnderAnotherName(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let (ann, ben) = (try await user(store, "ann"), try await user(store, "ben"))
        _ = try await post(store, "bye", by: ann, in: lobby)
        try await store.befriend(ann, ben, at: 2)
        try await store.addResumeToken(hash: "t", for: ann, at: 2, expiresAt: 100, keepingNewest: 5)
        let pair = try await store.directConversation(ann, ben)
        let file = try await store.addFile(
            NewFile(name: "p.txt", size: 5, sha256: "dd", type: .text), in: pair, uploader: ann, at: 3, deliveredAt: 3,
            place: { _ in }, afterCommit: { _ in }
        )
        #expect(try await store.deleteAccount(ann) == [try #require(file.file).id])
        #expect(try await store.user(nameKey: "ann") == nil)
        #expect(try await store.messages(in: lobby, page: .latest(limit: 5)).messages.map(\.sender) == [DeletedAccount.name])
        #expect(try await store.friends(of: ben).isEmpty)
        #expect(try await store.user(resumeToken: "t", nameKey: DeletedAccount.nameKey(of: ann.id), at: 5) == nil)
        #expect(try await !store.isMember(ann, of: lobby))
    }

    @Test(arguments: StoreKind.allCases) func searchFindsEveryWordInAnyCaseAmongWhatTheUserMayRead(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        let lobby = try await lobby(store)
        let (ann, ben, cid) = (try await user(store, "ann"), try await user(store, "ben"), try await user(store, "cid"))
        func search(_ text: String, for user: StoredUser, _ query: SearchQuery? = nil, from sender: StoredUser? = nil) async throws -> [String] {
            try await store.search(try SearchRules.words(of: text), query ?? SearchQuery(text), for: user, in: nil, from: sender).map(\.text)
        }
        _ = try await post(store, "Deploy the release tonight", by: ann, in: lobby, at: 10)
        _ = try await post(store, "東京で会いましょう", by: ben, in: lobby, at: 20)
        _ = try await post(store, "50% off the release", by: ben, in: lobby, at: 30)
        let pair = try await store.directConversation(ben, cid)
        _ = try await post(store, "a secret release", by: ben, in: pair, at: 40)
        #expect(try await search("RELEASE", for: ann) == ["50% off the release", "Deploy the release tonight"], "newest first, not ben's private chat")
        #expect(try await search("release secret", for: cid) == ["a secret release"])
        #expect(try await search("会いまし", for: ann) == ["東京で会いましょう"])
        #expect(try await search("東京", for: ann) == ["東京で会いましょう"], "a word of two characters too")
        #expect(try await search("50%", for: ann) == ["50% off the release"])
        #expect(try await search("0%", for: ann) == ["50% off the release"], "% is a character, not a wildcard")
        #expect(try await search("release", for: ann, from: ann) == ["Deploy the release tonight"])
        #expect(try await search("release", for: ann, SearchQuery("release", since: 15, until: 35)) == ["50% off the release"])
        let newest = try await store.search(["release"], SearchQuery("release", limit: 1), for: ann, in: lobby, from: nil)
        #expect(newest.map(\.text) == ["50% off the release"])
        #expect(try await search("release", for: ann, SearchQuery("release", beforeID: newest[0].id)) == ["Deploy the release tonight"])
    }

    @Test(arguments: StoreKind.allCases) func skeletonsAreFilledOnlyWhereMissing(_ kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { try? store.close() }
        _ = try await user(store, "ann")
        // Every row made here has a skeleton, the robot's aside (made by the migration).
        #expect(try await store.fillSkeletons { "s:" + $0 } == 1)
        #expect(try await store.user(skeleton: "s:\(ProtocolConstants.robotName)")?.name == ProtocolConstants.robotName)
        #expect(try await store.fillSkeletons { "s:" + $0 } == 0)
    }
}

final class HandedOn: Sendable {
    private let messages = Mutex<[ChatMessage]>([])
    func add(_ message: ChatMessage) { messages.withLock { $0.append(message) } }
    var all: [ChatMessage] { messages.withLock { $0 } }
}
