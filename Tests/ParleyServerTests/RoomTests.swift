import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

@Suite struct RoomTests {
    let dev = ConversationID(rawValue: "dev")

    @Test func createJoinListAndLeave() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")

        let created = try await alice.connection.createRoom("dev", topic: "builds and bugs")
        #expect(created.name == dev)
        #expect(created.topic == "builds and bugs")
        #expect(created.members == [Member(name: "alice", online: true), Member(name: "robot", online: true)])
        #expect(created.history.isEmpty)

        let joined = try await bob.connection.join("DEV")
        #expect(joined.name == dev, "the room keeps its own spelling")
        #expect(joined.members.map(\.name) == ["alice", "bob", "robot"])
        try await alice.log.first("bob joined dev") { if case .joined(dev, "bob", true, _) = $0 { true } else { nil } }

        let rooms = try await bob.connection.rooms()
        #expect(rooms.map(\.name) == [.lobby, dev])
        #expect(rooms[1] == RoomInfo(name: dev, topic: "builds and bugs", members: 2, online: 2, joined: true))
        #expect(rooms[0].members == 2 && rooms[0].joined)

        try await bob.connection.leave("dev")
        try await alice.log.first("bob left dev") {
            if case .left(dev, "bob", _, false) = $0 { true } else { nil }
        }
        #expect(try await bob.connection.rooms()[1] == RoomInfo(name: dev, topic: "builds and bugs", members: 1, online: 1, joined: false))
        await server.finish()
    }

    @Test func everyRefusalHasItsCode() async throws {
        let server = try await TestServer.start { $0.limits.maxRoomsPerUser = 3; $0.limits.maxTopicCharacters = 20 }
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        let c = alice.connection
        _ = try await c.createRoom("dev")

        #expect(await rejectionCode { _ = try await c.createRoom("DEV") } == .roomExists)
        #expect(await rejectionCode { _ = try await c.createRoom("lobby") } == .roomExists)
        #expect(await rejectionCode { _ = try await c.createRoom("two words") } == .nameInvalid)
        #expect(await rejectionCode { _ = try await c.createRoom("") } == .nameEmpty)
        #expect(await rejectionCode { _ = try await c.createRoom(String(repeating: "x", count: 33)) } == .nameTooLong)
        #expect(await rejectionCode { _ = try await c.createRoom("robot") } == .nameReserved)
        #expect(await rejectionCode { _ = try await c.createRoom("ops", topic: String(repeating: "t", count: 21)) } == .topicTooLong)
        #expect(await rejectionCode { _ = try await c.createRoom("ops", topic: "line\nbreak") } == .topicInvalid)
        #expect(await rejectionCode { _ = try await c.join("nowhere") } == .roomNotFound)
        #expect(await rejectionCode { _ = try await c.join("dev") } == .roomAlreadyMember)
        #expect(await rejectionCode { try await c.leave("lobby") } == .roomCannotLeave)
        #expect(await rejectionCode { try await c.leave("nowhere") } == .roomNotFound)
        #expect(await rejectionCode { try await bob.connection.leave("dev") } == .roomNotMember)
        #expect(await rejectionCode { _ = try await bob.connection.send("hi", to: dev) } == .roomNotMember)
        #expect(await rejectionCode { _ = try await bob.connection.history(of: dev, page: .latest(limit: 5)) } == .roomNotMember)
        #expect(await rejectionCode { _ = try await bob.connection.send("hi", to: ConversationID(rawValue: "nowhere")) } == .roomNotFound)
        #expect(await rejectionCode { try await bob.connection.setTopic("mine", of: dev) } == .roomNotMember)
        _ = try await bob.connection.join("dev")
        #expect(await rejectionCode { try await bob.connection.setTopic("mine", of: dev) } == .topicForbidden)
        _ = try await c.createRoom("ops")
        #expect(await rejectionCode { _ = try await c.createRoom("qa") } == .roomTooMany, "lobby, dev, ops: three rooms")
        #expect(try await c.rooms().map(\.name.rawValue) == ["lobby", "dev", "ops"], "nothing made by refused requests")
        await server.finish()
    }

    @Test func aRoomNameThatLooksLikeAnotherIsRefused() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        _ = try await alice.connection.createRoom("dev")
        do {
            _ = try await alice.connection.createRoom("d\u{0435}v")
            Issue.record("a Cyrillic е passed as a new room")
        } catch let error as ParleyClientError {
            #expect(error.code == .roomExists)
            #expect(error.description.contains("looks too much like the room \"dev\""), "\(error)")
        }
        #expect(await rejectionCode { _ = try await alice.connection.createRoom("ｄｅｖ") } == .roomExists)
        _ = try await alice.connection.createRoom("ops")
        await server.finish()
    }

    @Test func aRoomsMessagesReachOnlyItsMembers() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        let carol = try await server.user("carol")
        _ = try await alice.connection.createRoom("dev")
        _ = try await bob.connection.join("dev")

        let secret = try await alice.connection.send("only for dev", to: dev)
        #expect(secret.conversation == dev)
        let marker = try await alice.connection.send("for everyone")
        try await bob.log.wait(for: "both messages") { $0.messages.map(\.id).contains(marker.id) && $0.messages.map(\.id).contains(secret.id) }
        try await carol.log.wait(for: "the lobby message") { $0.messages.map(\.id).contains(marker.id) }
        #expect(!carol.log.messages.contains { $0.conversation == dev }, "carol is not in dev")
        #expect(!carol.log.events.contains { if case .joined(dev, _, _, _) = $0 { true } else { false } })

        try await alice.connection.setTopic("release on friday", of: dev)
        try await bob.log.first("the topic") { if case .topic(dev, "release on friday", "alice") = $0 { true } else { nil } }
        _ = try await alice.connection.send("after the topic")
        try await carol.log.wait(for: "the next lobby message") { $0.messages.count >= 2 }
        #expect(!carol.log.events.contains { if case .topic = $0 { true } else { false } })
        await server.finish()
    }

    @Test func anOpenTopicIsAnyonesToChange() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        _ = try await alice.connection.createRoom("dev", openTopic: true)
        _ = try await bob.connection.join("dev")
        try await bob.connection.setTopic("bob was here", of: dev)
        try await alice.log.first("the topic") { if case .topic(dev, "bob was here", "bob") = $0 { true } else { nil } }
        #expect(try await alice.connection.rooms()[1].topic == "bob was here")
        await server.finish()
    }

    @Test func afterLoginYouAreBackInYourRoomsWithTheirLatestMessages() async throws {
        let server = try await TestServer.start { $0.limits.rateBurst = 100 }
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        _ = try await alice.connection.createRoom("dev", topic: "kept")
        var sent: [ChatMessage] = []
        for i in 1...60 {
            sent.append(try await alice.connection.send("dev \(i)", to: dev))
        }
        await alice.connection.close()
        try await bob.log.wait(for: "alice gone") { log in
            log.events.contains { if case .left(.lobby, "alice", _, true) = $0 { true } else { false } }
        }
        _ = try await bob.connection.join("dev")

        let again = try await server.connect()
        let welcome = try await again.logIn(name: "alice", password: "correct horse")
        #expect(welcome.rooms.map(\.name) == [.lobby, dev])
        let room = try #require(welcome.rooms.last)
        #expect(room.topic == "kept")
        #expect(room.history == Array(sent.suffix(50)))
        #expect(room.hasMore)
        #expect(room.members.filter(\.online).map(\.name) == ["alice", "bob", "robot"])
        try await bob.log.first("alice back in dev") { if case .joined(dev, "alice", false, _) = $0 { true } else { nil } }

        let older = try await again.history(of: dev, page: .before(id: room.history[0].id, limit: 50))
        #expect(older.messages == Array(sent.prefix(10)))
        #expect(!older.hasMore)
        let newer = try await again.history(of: dev, page: .after(id: sent[54].id, limit: 50))
        #expect(newer.messages == Array(sent.suffix(5)))
        await server.finish()
    }

    @Test func roomsSurviveARestart() async throws {
        let directory = TestServer.makeDataDirectory()
        var server = try await TestServer.start(dataDirectory: directory)
        let alice = try await server.user("alice")
        _ = try await alice.connection.createRoom("dev", topic: "durable")
        _ = try await alice.connection.send("still here", to: dev)
        await alice.connection.close()
        await server.stop()

        server = try await TestServer.start(dataDirectory: directory)
        let connection = try await server.connect()
        let welcome = try await connection.logIn(name: "alice", password: "correct horse")
        #expect(welcome.rooms.last?.topic == "durable")
        #expect(welcome.rooms.last?.history.map(\.text) == ["still here"])
        await server.finish()
    }
}

/// Empty rooms nobody uses do not pile up (docs/SECURITY.md).
@Suite struct IdleRoomTests {
    @Test func anEmptyUnusedRoomIsRemovedAndItsNameFreed() async throws {
        let server = try await TestServer.start { $0.roomIdleDays = 30 }
        let alice = try await server.user("alice")
        _ = try await alice.connection.createRoom("old")
        try await alice.connection.send("last words", to: ConversationID(rawValue: "old"))
        try await alice.connection.leave("old")
        _ = try await alice.connection.createRoom("kept")
        let month = Int64(30 * 86_400_000)
        #expect(try await server.server.removeIdleRooms().isEmpty, "not idle yet")
        let removed = try await server.server.removeIdleRooms(at: Timestamp.nowMillis() + month + 60_000)
        #expect(removed == ["old"], "an empty room long unused goes; the lobby and a room with a member stay")
        #expect(await rejectionCode { _ = try await alice.connection.join("old") } == .roomNotFound)
        _ = try await alice.connection.createRoom("old")
        #expect(try await alice.connection.history(of: ConversationID(rawValue: "old"), page: .latest(limit: 10)).messages.isEmpty)
        await server.finish()
    }
}
