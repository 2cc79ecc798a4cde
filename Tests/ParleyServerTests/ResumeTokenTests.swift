import Foundation
import GRDB
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

/// Resume tokens: a password login gives one, a reconnect spends no slow
/// hash with it, and it stops working when revoked, replaced or expired.
@Suite struct ResumeTokenTests {
    @Test func aPasswordLoginGivesATokenThatLogsInAgainWithoutThePassword() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let token = try #require(alice.welcome.token)
        #expect(token.count == 64)
        await alice.connection.close()

        let again = try await server.connect()
        let welcome = try await again.resume(name: "alice", token: token)
        #expect(welcome.user == "alice")
        #expect(welcome.token == token)
        try await again.send("back without a password")
        await server.finish()
    }

    @Test func aTokenOnlyWorksForItsOwnUser() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        _ = try await server.user("bob")
        let other = try await server.connect()
        let token = try #require(alice.welcome.token)
        #expect(await rejectionCode { _ = try await other.resume(name: "bob", token: token, takeOver: true) } == .authTokenInvalid)
        #expect(await rejectionCode { _ = try await other.resume(name: "alice", token: String(repeating: "0", count: 64)) } == .authTokenInvalid)
        #expect(await rejectionCode { _ = try await other.resume(name: "alice", token: "") } == .authTokenInvalid)
        #expect(await rejectionCode { _ = try await other.resume(name: "nobody", token: token) } == .authTokenInvalid)
        // The refusals changed nothing: the right token still works.
        _ = try await other.resume(name: "alice", token: token, takeOver: true)
        await server.finish()
    }

    @Test func logoutRevokesTheToken() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let token = try #require(alice.welcome.token)
        try await alice.connection.logout()
        await alice.connection.close()
        let again = try await server.connect()
        #expect(await rejectionCode { _ = try await again.resume(name: "alice", token: token) } == .authTokenInvalid)
        // The password still logs in, and opening with the dead token falls back to it.
        let (connection, welcome) = try await ParleyConnection.open(
            host: "127.0.0.1", port: server.port, name: "alice", password: "correct horse", token: token, options: server.options
        )
        #expect(welcome.token != nil && welcome.token != token)
        await connection.close()
        await server.finish()
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let server = try await TestServer.start { $0.resumeTokenHours = 0.5 / 3600 }
        let alice = try await server.user("alice")
        let token = try #require(alice.welcome.token)
        await alice.connection.close()
        // Until half a second has passed the token works; then it must be refused.
        let deadline = ContinuousClock.now + .seconds(10)
        var refusal: ErrorCode?
        while refusal == nil, ContinuousClock.now < deadline {
            let again = try await server.connect()
            refusal = await rejectionCode { _ = try await again.resume(name: "alice", token: token, takeOver: true) }
            await again.close()
        }
        #expect(refusal == .authTokenInvalid)
        await server.finish()
    }

    @Test func onlyTheNewestTokensOfAUserAreKept() async throws {
        let server = try await TestServer.start { $0.resumeTokensPerUser = 2 }
        var tokens: [String] = []
        _ = try await server.user("alice")
        for _ in 0..<3 {
            let connection = try await server.connect()
            tokens.append(try #require(try await connection.logIn(name: "alice", password: "correct horse", takeOver: true).token))
        }
        let probe = try await server.connect()
        #expect(await rejectionCode { _ = try await probe.resume(name: "alice", token: tokens[0], takeOver: true) } == .authTokenInvalid)
        _ = try await probe.resume(name: "alice", token: tokens[2], takeOver: true)
        await server.finish()
    }

    @Test func noTokensWhenTurnedOff() async throws {
        let server = try await TestServer.start { $0.resumeTokenHours = 0 }
        let alice = try await server.user("alice")
        #expect(alice.welcome.token == nil)
        await server.finish()
    }

    @Test(.enabled(if: TestStore.current == .sqlite, "reads the SQLite file")) func theDatabaseKeepsOnlyAHashOfTheToken() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let token = try #require(alice.welcome.token)
        await server.stop()
        let database = try DatabaseQueue(path: server.dataDirectory + "/parley.sqlite")
        let hashes = try await database.read { db in try String.fetchAll(db, sql: "SELECT hash FROM resumeToken") }
        #expect(hashes.count == 1)
        #expect(hashes.first != token && hashes.first?.count == 64)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: server.dataDirectory + "/parley.sqlite"))
        #expect(bytes.range(of: Data(token.utf8)) == nil)
        try? FileManager.default.removeItem(atPath: server.dataDirectory)
    }
}

/// A login's password check takes time; its connection may be gone by the
/// end of it.
@Suite struct LoginAfterCloseTests {
    @Test func aLoginWhoseConnectionClosedTakesNothingOver() async throws {
        nonisolated(unsafe) var faulty: FaultyStore!
        let server = try await TestServer.start(adaptStore: { store in
            faulty = FaultyStore(store)
            return faulty
        })
        let alice = try await server.user("alice")
        faulty.holdRoomReads()
        let raw = try await RawClient.connect(port: server.port)
        try await raw.send(.hello(ClientHello(client: "gone soon")))
        try await raw.send(.request(id: 1, .logIn(name: "alice", password: "correct horse", takeOver: true)))
        try await waitUntil("the login past its password check") { faulty.roomReadsWaiting == 1 }
        await raw.close()
        try await waitUntil("the server to see the close") { server.server.openConnections == 1 }
        let done = faulty.roomReadsDone
        faulty.releaseRoomReads()
        try await waitUntil("the login to go on") { faulty.roomReadsDone > done }
        _ = try await alice.connection.send("still here")
        #expect(!alice.log.events.contains { if case .closing = $0 { true } else { false } }, "alice's session was not taken over")
        await server.finish()
    }

    private func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: what) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
