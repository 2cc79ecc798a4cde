import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

/// One account logged in from several places at once: every session gets
/// every event, presence counts people rather than connections, and
/// scripts come and go unheard.
@Suite struct SessionsTests {
    func session(_ name: String, on server: TestServer, quiet: Bool = false, takeOver: Bool = false) async throws -> TestUser {
        let connection = try await server.connect()
        let welcome = try await connection.logIn(name: name, password: "correct horse", takeOver: takeOver, quiet: quiet)
        return TestUser(connection: connection, welcome: welcome)
    }

    func arrivals(of name: String, in log: EventLog) -> Int {
        log.events.count { if case .joined(_, let user, _, _) = $0 { user == name } else { false } }
    }

    func departures(of name: String, in log: EventLog) -> Int {
        log.events.count { if case .left(_, let user, _, _) = $0 { user == name } else { false } }
    }

    @Test func everySessionGetsEveryEventAndTheUserIsOnlineUntilTheLastOneLeaves() async throws {
        let server = try await TestServer.start()
        let bob = try await server.user("bob")
        let laptop = try await server.user("alice")
        try await bob.log.wait(for: "alice arriving") { self.arrivals(of: "alice", in: $0) == 1 }
        let phone = try await session("alice", on: server)
        #expect(phone.welcome.lobby?.members.contains(Member(name: "alice", online: true)) == true)

        // Sent on the laptop: the phone has it too, with the same id.
        let sent = try await laptop.connection.send("from the laptop")
        try await phone.log.wait(for: "the laptop's message on the phone") { $0.messages.contains { $0.id == sent.id } }
        try await bob.log.wait(for: "the laptop's message") { $0.messages.contains { $0.id == sent.id } }
        let answer = try await bob.connection.send("hi both")
        try await laptop.log.wait(for: "bob's answer on the laptop") { $0.messages.contains { $0.id == answer.id } }
        try await phone.log.wait(for: "bob's answer on the phone") { $0.messages.contains { $0.id == answer.id } }

        await laptop.connection.close()
        // Still online on the phone: a marker message after the close shows
        // bob has heard everything the close caused.
        let marker = try await phone.connection.send("still here")
        try await bob.log.wait(for: "the marker") { $0.messages.contains { $0.id == marker.id } }
        #expect(departures(of: "alice", in: bob.log) == 0, "alice is still online on her phone")
        #expect(arrivals(of: "alice", in: bob.log) == 1, "the phone's login was not an arrival")

        await phone.connection.close()
        try await bob.log.wait(for: "alice leaving with her last session") { self.departures(of: "alice", in: $0) == 1 }
        await server.finish()
    }

    @Test func pastTheLimitALoginIsRefusedUnlessItTakesOverAndThenEveryOtherSessionCloses() async throws {
        let server = try await TestServer.start { $0.maxSessionsPerUser = 2 }
        let bob = try await server.user("bob")
        let first = try await server.user("alice")
        let second = try await session("alice", on: server)
        let refused = await rejectionCode { _ = try await self.session("alice", on: server) }
        #expect(refused == .authTooManySessions)
        // Quiet sessions count too.
        #expect(await rejectionCode { _ = try await self.session("alice", on: server, quiet: true) } == .authTooManySessions)

        let third = try await session("alice", on: server, takeOver: true)
        for old in [first, second] {
            let reason = try await old.log.first("the old session's closing event") { event in
                if case .closing(let error) = event { error.code } else { nil }
            }
            #expect(reason == .sessionReplaced)
            try await old.log.wait(for: "the old session to end") { $0.ended }
        }
        let marker = try await third.connection.send("moved here")
        try await bob.log.wait(for: "the marker") { $0.messages.contains { $0.id == marker.id } }
        #expect(departures(of: "alice", in: bob.log) == 0, "alice stayed online throughout")
        await server.finish()
    }

    @Test func aQuietSessionIsNeitherAnnouncedNorOnlineButGetsEveryEvent() async throws {
        let server = try await TestServer.start()
        let (bob, alice) = try await server.friends("bob", "alice")
        await alice.connection.close()
        try await bob.log.first("alice offline") { if case .friendOffline("alice") = $0 { true } else { nil } }
        let arrivalsBefore = arrivals(of: "alice", in: bob.log)

        let script = try await session("alice", on: server, quiet: true)
        #expect(script.welcome.lobby?.members.contains(Member(name: "alice", online: false)) == true)
        let said = try await bob.connection.send("anyone?")
        try await script.log.wait(for: "bob's message in the script's session") { $0.messages.contains { $0.id == said.id } }
        let posted = try await script.connection.send("posted by a script")
        try await bob.log.wait(for: "the script's message") { $0.messages.contains { $0.id == posted.id } }
        let friends = try await bob.connection.friends()
        #expect(friends.friends.contains(Friend(name: "alice", online: false)))
        let bobsPhone = try await session("bob", on: server)
        #expect(bobsPhone.welcome.lobby?.members.contains(Member(name: "alice", online: false)) == true)

        await script.connection.close()
        let marker = try await bob.connection.send("marker")
        try await bob.log.wait(for: "the marker") { $0.messages.contains { $0.id == marker.id } }
        #expect(arrivals(of: "alice", in: bob.log) == arrivalsBefore)
        #expect(departures(of: "alice", in: bob.log) == 1, "only the interactive session's end was heard")
        #expect(!bob.log.events.contains { if case .friendOnline("alice") = $0 { true } else { false } }, "friends never saw the script")
        await server.finish()
    }

    @Test func aPrivateMessageWaitsUnlessAnInteractiveSessionWasOnlineAndComesOnce() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        await bob.connection.close()
        try await alice.log.first("bob offline") { if case .friendOffline("bob") = $0 { true } else { nil } }

        // Only a script of bob's is logged in: it sees the message, which
        // still waits for bob himself.
        let script = try await session("bob", on: server, quiet: true)
        let first = try await alice.connection.send("while only a script listens", to: .direct("bob"))
        try await script.log.wait(for: "the message in the script's session") { $0.messages.contains { $0.id == first.id } }
        let anotherScript = try await session("bob", on: server, quiet: true)
        #expect(anotherScript.welcome.away.isEmpty, "a quiet session never takes delivery")

        let laptop = try await session("bob", on: server)
        #expect(laptop.welcome.away.map(\.id) == [first.id])
        try await laptop.connection.awayReceived(through: first.id)

        // With the laptop online, a message is delivered at once, to every
        // session, and waits for no later login.
        let second = try await alice.connection.send("while the laptop is on", to: .direct("bob"))
        try await laptop.log.wait(for: "the live message") { $0.messages.contains { $0.id == second.id } }
        let phone = try await session("bob", on: server)
        #expect(phone.welcome.away.isEmpty)
        await server.finish()
    }
}

/// Where the account stopped reading is kept by the server and shared by
/// every session.
@Suite struct ReadPositionServerTests {
    func session(_ name: String, on server: TestServer) async throws -> TestUser {
        let connection = try await server.connect()
        return TestUser(connection: connection, welcome: try await connection.logIn(name: name, password: "correct horse"))
    }

    func reads(in log: EventLog, of conversation: ConversationID) -> [Int64] {
        log.events.compactMap { if case .read(conversation, let through) = $0 { through } else { nil } }
    }

    @Test func aPositionMovesForwardOnlyReachesEverySessionAndComesInTheWelcome() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        let phone = try await session("alice", on: server)
        var said: [ChatMessage] = []
        for i in 1...3 { said.append(try await bob.connection.send("line \(i)")) }
        let direct = try await bob.connection.send("just you", to: .direct("alice"))

        try await alice.connection.markRead(.lobby, through: said[1].id)
        try await phone.log.wait(for: "the read event on the phone") { self.reads(in: $0, of: .lobby) == [said[1].id] }
        // Backwards moves nothing; past the newest stops at the newest.
        try await alice.connection.markRead(.lobby, through: said[0].id)
        try await alice.connection.markRead(.lobby, through: .max)
        try await phone.log.wait(for: "the clamped position") { self.reads(in: $0, of: .lobby) == [said[1].id, said[2].id] }
        try await phone.connection.markRead(.direct("bob"), through: direct.id)
        try await alice.log.wait(for: "the private read on the laptop") { self.reads(in: $0, of: .direct("bob")) == [direct.id] }
        #expect(reads(in: bob.log, of: .lobby).isEmpty, "positions are nobody else's business")

        let later = try await session("alice", on: server)
        #expect(later.welcome.read == [.lobby: said[2].id, .direct("bob"): direct.id])
        // Only what the user may read: a room they are not in is refused.
        #expect(await rejectionCode { try await alice.connection.markRead(ConversationID(rawValue: "nowhere"), through: 1) } != nil)
        await server.finish()
    }
}

/// Rooms joined or left in one session reach the account's others.
@Suite struct RoomsAcrossSessionsTests {
    @Test func aRoomJoinedOrLeftElsewhereIsHeardAndCanBeShown() async throws {
        let server = try await TestServer.start()
        let bob = try await server.user("bob")
        _ = try await bob.connection.createRoom("dev")
        let laptop = try await server.user("alice")
        let connection = try await server.connect()
        let phone = TestUser(connection: connection, welcome: try await connection.logIn(name: "alice", password: "correct horse"))
        let dev = ConversationID(rawValue: "dev")

        _ = try await laptop.connection.join("dev")
        try await phone.log.first("the join on the phone") { event in
            if case .joined(dev, "alice", true, _) = event { true } else { nil }
        }
        let shown = try await phone.connection.room("dev")
        #expect(shown.name == dev && shown.members.contains(Member(name: "alice", online: true)))
        let said = try await bob.connection.send("in dev", to: dev)
        try await phone.log.wait(for: "dev's message on the phone") { $0.messages.contains { $0.id == said.id } }

        try await laptop.connection.leave("dev")
        try await phone.log.first("the leave on the phone") { event in
            if case .left(dev, "alice", _, false) = event { true } else { nil }
        }
        #expect(await rejectionCode { _ = try await phone.connection.room("dev") } == .roomNotMember)
        await server.finish()
    }
}
