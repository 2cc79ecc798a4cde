import GRDB
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

@Suite struct FriendTests {
    /// Registers `name` without logging in.
    func register(_ name: String, on server: TestServer) async throws {
        let connection = try await server.connect()
        try await connection.register(name: name, password: "correct horse")
        await connection.close()
    }

    func logIn(_ name: String, on server: TestServer) async throws -> TestUser {
        let connection = try await server.connect()
        return TestUser(connection: connection, welcome: try await connection.logIn(name: name, password: "correct horse"))
    }

    @Test func requestAcceptAndRemove() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        try await alice.connection.requestFriend("Bob")
        try await bob.log.first("the request") { if case .friendRequest("alice") = $0 { true } else { nil } }
        #expect(try await alice.connection.friends().outgoing == ["bob"])
        #expect(try await bob.connection.friends().incoming == ["alice"])

        try await bob.connection.acceptFriend("alice")
        try await alice.log.first("bob added") { if case .friendAdded(Friend(name: "bob", online: true)) = $0 { true } else { nil } }
        #expect(try await alice.connection.friends() == FriendList(friends: [Friend(name: "bob", online: true)]))

        try await alice.connection.removeFriend("bob")
        try await bob.log.first("removed") { if case .friendRemoved("alice") = $0 { true } else { nil } }
        #expect(try await bob.connection.friends() == FriendList())
        await server.finish()
    }

    @Test func declineTellsTheAsker() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        try await alice.connection.requestFriend("bob")
        try await bob.connection.declineFriend("alice")
        try await alice.log.first("declined") { if case .friendDeclined("bob") = $0 { true } else { nil } }
        #expect(try await alice.connection.friends() == FriendList())
        await server.finish()
    }

    @Test func aRequestToSomeoneOfflineIsSeenAtTheirLogin() async throws {
        let server = try await TestServer.start()
        try await register("carol", on: server)
        let alice = try await server.user("alice")
        try await alice.connection.requestFriend("carol")
        let carol = try await logIn("carol", on: server)
        #expect(carol.welcome.friends.incoming == ["alice"])
        try await carol.connection.acceptFriend("alice")
        try await alice.log.first("carol added") { if case .friendAdded(Friend(name: "carol", online: true)) = $0 { true } else { nil } }
        await server.finish()
    }

    @Test func crossingRequestsMakeFriendsAtOnce() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        try await alice.connection.requestFriend("bob")
        try await bob.connection.requestFriend("alice")
        #expect(try await alice.connection.friends().friends == [Friend(name: "bob", online: true)])
        #expect(try await bob.connection.friends().incoming.isEmpty)
        await server.finish()
    }

    @Test func everyErrorHasItsCode() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        let carol = try await server.user("carol")
        #expect(await rejectionCode { try await alice.connection.requestFriend("nobody") } == .friendNoSuchUser)
        #expect(await rejectionCode { try await alice.connection.requestFriend("ALICE") } == .friendSelf)
        #expect(await rejectionCode { try await alice.connection.requestFriend("bob") } == .friendAlready)
        try await alice.connection.requestFriend("carol")
        #expect(await rejectionCode { try await alice.connection.requestFriend("carol") } == .friendPending)
        #expect(await rejectionCode { try await bob.connection.acceptFriend("carol") } == .friendNoRequest)
        #expect(await rejectionCode { try await bob.connection.declineFriend("carol") } == .friendNoRequest)
        #expect(await rejectionCode { try await bob.connection.removeFriend("carol") } == .friendNotFriends)
        #expect(await rejectionCode { try await carol.connection.send("hi", to: .direct("bob")) } == .friendNotFriends)
        #expect(await rejectionCode { try await carol.connection.send("hi", to: .direct("nobody")) } == .friendNoSuchUser)
        await server.finish()
    }

    @Test func friendsHearOfEachOthersComingAndGoing() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        await bob.connection.close()
        try await alice.log.first("bob offline") { if case .friendOffline("bob") = $0 { true } else { nil } }
        let back = try await logIn("bob", on: server)
        #expect(back.welcome.friends.friends == [Friend(name: "alice", online: true)])
        try await alice.log.first("bob online") { if case .friendOnline("bob") = $0 { true } else { nil } }
        await server.finish()
    }

    @Test func aPrivateMessageReachesBothAndNobodyElse() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        let carol = try await server.user("carol")
        let sent = try await alice.connection.send("psst 🤫", to: .direct("bob"))
        #expect(sent.conversation == .direct("bob"))
        let received = try await bob.log.first("the message") { if case .message(let m) = $0 { m } else { nil } }
        #expect(received.conversation == .direct("alice") && received.text == "psst 🤫" && received.id == sent.id)
        try await alice.log.first("the echo") { if case .message(let m) = $0, m.id == sent.id { m.conversation } else { nil } }
        try await carol.connection.send("lobby line")
        try await carol.log.waitForMessages(1)
        #expect(!carol.log.messages.contains { $0.text == "psst 🤫" })
        await server.finish()
    }

    @Test(.enabled(if: TestStore.current == .sqlite, "reads the SQLite file")) func tenMessagesToSomeoneOfflineArriveAtLoginInOrderExactlyOnce() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        await bob.connection.close()
        try await alice.log.first("bob offline") { if case .friendOffline("bob") = $0 { true } else { nil } }
        var sent: [ChatMessage] = []
        for i in 1...10 { sent.append(try await alice.connection.send("while away \(i)", to: .direct("bob"))) }

        let first = try await logIn("bob", on: server)
        #expect(first.welcome.away.map(\.id) == sent.map(\.id))
        #expect(first.welcome.away.allSatisfy { $0.conversation == .direct("alice") })
        #expect(first.welcome.away.map(\.text) == (1...10).map { "while away \($0)" })
        // The client has them: the server records the delivery before it answers.
        try await first.connection.awayReceived(through: sent.last!.id)
        await first.connection.close()
        let second = try await logIn("bob", on: server)
        #expect(second.welcome.away.isEmpty, "not delivered twice")

        // The history still has them, for both of the pair.
        let history = try await second.connection.history(of: .direct("alice"), page: .latest(limit: 50))
        #expect(history.messages.map(\.id) == sent.map(\.id))
        await server.stop()
        let database = try DatabaseQueue(path: server.dataDirectory + "/parley.sqlite")
        let undelivered = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM message WHERE deliveredAt IS NULL")
        }
        #expect(undelivered == 0, "the server recorded each delivery")
    }

    @Test func aThirdUserCannotReadThePairsHistory() async throws {
        let server = try await TestServer.start()
        let (alice, _) = try await server.friends()
        try await alice.connection.send("between us", to: .direct("bob"))
        let carol = try await server.user("carol")
        #expect(await rejectionCode { _ = try await carol.connection.history(of: .direct("alice"), page: .latest(limit: 50)) } == .friendNotFriends)
        #expect(await rejectionCode { _ = try await carol.connection.history(of: .direct("bob"), page: .latest(limit: 50)) } == .friendNotFriends)
        let lobby = try await carol.connection.history(page: .latest(limit: 50))
        #expect(!lobby.messages.contains { $0.text == "between us" })
        await server.finish()
    }

    @Test func aDeclinedRequestIsNotRepeatedForAWhile() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        try await bob.connection.requestFriend("alice")
        try await alice.connection.declineFriend("bob")
        #expect(await rejectionCode { try await bob.connection.requestFriend("alice") } == .rateLimited)
        // The other way round is a new question.
        try await alice.connection.requestFriend("bob")
        await server.finish()
    }
}
