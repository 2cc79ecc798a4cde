import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Synchronization
import Testing

/// Private messages to someone offline wait until that user's client says
/// it has them (`away_received`): a login that drops before saying so gets
/// them again, and the user still sees each one exactly once.
@Suite struct OfflineDeliveryTests {
    func logIn(_ name: String, on server: TestServer, takeOver: Bool = false) async throws -> TestUser {
        let connection = try await server.connect()
        return TestUser(connection: connection, welcome: try await connection.logIn(name: name, password: "correct horse", takeOver: takeOver))
    }

    /// alice and bob are friends, bob is offline and alice sent him `count` messages.
    func bobAway(_ server: TestServer, count: Int) async throws -> (TestUser, [ChatMessage]) {
        let (alice, bob) = try await server.friends()
        await bob.connection.close()
        try await alice.log.first("bob offline") { if case .friendOffline("bob") = $0 { true } else { nil } }
        var sent: [ChatMessage] = []
        for i in 1...count { sent.append(try await alice.connection.send("while away \(i)", to: .direct("bob"))) }
        return (alice, sent)
    }

    @Test func waitingMessagesComeAgainUntilTheClientSaysItHasThem() async throws {
        let server = try await TestServer.start()
        let (alice, sent) = try await bobAway(server, count: 5)
        var offline = 1
        // The welcome is read and the connection dropped without a word.
        let dropped = try await logIn("bob", on: server)
        #expect(dropped.welcome.away.map(\.id) == sent.map(\.id))
        await dropped.connection.close()
        offline += 1
        try await alice.log.wait(for: "bob offline again") { log in
            log.events.count { if case .friendOffline("bob") = $0 { true } else { false } } == offline
        }
        let again = try await logIn("bob", on: server)
        #expect(again.welcome.away.map(\.id) == sent.map(\.id), "nothing was acknowledged, so all wait still")
        try await again.connection.awayReceived(through: sent[2].id)
        await again.connection.close()
        let last = try await logIn("bob", on: server, takeOver: true)
        #expect(last.welcome.away.map(\.id) == sent[3...].map(\.id), "those after the acknowledged id still wait")
        await server.finish()
    }

    @Test func aLoginDroppedRightAfterItsRequestLosesNothing() async throws {
        let server = try await TestServer.start()
        let (_, sent) = try await bobAway(server, count: 3)
        for _ in 0..<5 {
            let raw = try await RawClient.connect(port: server.port)
            try await raw.send(.hello(ClientHello(client: "test")))
            try await raw.send(.request(id: 1, .logIn(name: "bob", password: "correct horse", takeOver: false)))
            await raw.close()
        }
        // The dropped logins may still count as sessions: one more is within the limit.
        let welcome = try await server.connect().logIn(name: "bob", password: "correct horse")
        #expect(welcome.away.map(\.id) == sent.map(\.id))
        await server.finish()
    }

    @Test func theOnlyWayToAcknowledgeIsYourOwnMessages() async throws {
        let server = try await TestServer.start()
        let (alice, sent) = try await bobAway(server, count: 2)
        // alice acknowledging past every id does not touch bob's waiting messages.
        try await alice.connection.awayReceived(through: Int64.max)
        let bob = try await logIn("bob", on: server)
        #expect(bob.welcome.away.map(\.id) == sent.map(\.id))
        await server.finish()
    }

    /// alice sends bob a stream and bob logs in in the middle of it: every
    /// message reaches him exactly once, in the welcome's `away` or live, in
    /// order, and none comes again at his next login. Three rounds, the
    /// login at a different point of the stream each time.
    @Test(arguments: [5, 40, 120])
    func aLoginRacingAStreamOfSendsSeesEachMessageOnce(after head: Int) async throws {
        let server = try await TestServer.start {
            $0.limits.rateBurst = 10_000
            $0.limits.ratePerSecond = 10_000
        }
        let (alice, bob) = try await server.friends()
        await bob.connection.close()
        try await alice.log.first("bob offline") { if case .friendOffline("bob") = $0 { true } else { nil } }
        let total = 200
        let progress = Atomic(0)
        let stream = Task {
            var sent: [Int64] = []
            for i in 0..<total {
                sent.append(try await alice.connection.send("stream \(i)", to: .direct("bob")).id)
                progress.store(i + 1, ordering: .relaxed)
            }
            return sent
        }
        try await alice.log.wait(for: "\(head) sent") { _ in progress.load(ordering: .relaxed) >= head }
        let session = try await logIn("bob", on: server)
        if let last = session.welcome.away.last { try await session.connection.awayReceived(through: last.id) }
        let sent = try await stream.value
        let away = session.welcome.away.map(\.id)
        try await session.log.wait(for: "all \(total) at bob") { log in
            away.count + log.messages.count { $0.sender == "alice" } >= total
        }
        let live = session.log.messages.filter { $0.sender == "alice" }.map(\.id)
        #expect(away + live == sent, "each message once, in order, nothing missing")
        await session.connection.close()
        try await alice.log.wait(for: "bob offline again") { log in
            log.events.count { if case .friendOffline("bob") = $0 { true } else { false } } == 2
        }
        let next = try await logIn("bob", on: server)
        #expect(next.welcome.away.isEmpty, "nothing comes twice")
        await server.finish()
    }
}
