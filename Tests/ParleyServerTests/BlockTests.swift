import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import Testing

/// `/block NAME`: no friend requests or private messages from NAME.
@Suite struct BlockTests {
    @Test func aBlockedUserCannotAskAndTheBlockerMustUnblockFirst() async throws {
        let directory = TestServer.makeDataDirectory()
        var server = try await TestServer.start(dataDirectory: directory)
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        try await alice.connection.requestFriend("bob")
        try await bob.connection.block("alice")
        #expect(try await bob.connection.friends().incoming.isEmpty, "the waiting request went with the block")
        #expect(try await alice.connection.friends().outgoing.isEmpty)
        #expect(await rejectionCode { try await alice.connection.requestFriend("bob") } == .friendBlocked)
        #expect(await rejectionCode { try await bob.connection.requestFriend("alice") } == .friendBlocked)
        #expect(await rejectionCode { try await bob.connection.unblock("carol") } == .friendNoSuchUser)
        #expect(await rejectionCode { try await alice.connection.unblock("bob") } == .friendNotBlocked)
        await alice.connection.close()
        await bob.connection.close()

        // Kept with the account, across a restart.
        await server.stop()
        server = try await TestServer.start(dataDirectory: directory)
        let again = try await server.connect()
        _ = try await again.logIn(name: "bob", password: "correct horse")
        #expect(try await again.friends().blocked == ["alice"])
        try await again.unblock("alice")
        #expect(try await again.friends().blocked.isEmpty)
        let aliceAgain = try await server.connect()
        _ = try await aliceAgain.logIn(name: "alice", password: "correct horse")
        try await aliceAgain.requestFriend("bob")
        await server.finish()
    }

    @Test func blockingAFriendEndsTheFriendshipAndItsPrivateMessages() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        _ = try await alice.connection.send("before", to: .direct("bob"))
        try await bob.connection.block("alice")
        _ = try await alice.log.first("the friendship ended") { event -> Bool? in
            if case .friendRemoved("bob") = event { true } else { nil }
        }
        #expect(await rejectionCode { _ = try await alice.connection.send("after", to: .direct("bob")) } == .friendNotFriends)
        #expect(!bob.log.messages.contains { $0.text == "after" })
        await server.finish()
    }
}
