import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import ParleyWire
import Testing

@testable import ParleyServer

/// What the door does against connections that never log in, oversized
/// frames before a login, and crowds from one address (docs/SECURITY.md).
@Suite struct DoorDefenceTests {
    /// The `closing` the server sent, if it sent one.
    func closing(_ raw: RawClient) -> ProtocolError? {
        raw.messages.lazy.compactMap { message -> ProtocolError? in
            if case .event(.closing(let error)) = message { error } else { nil }
        }.first
    }

    @Test func connectionsThatNeverLogInAreClosedAtTheirDeadlines() async throws {
        let server = try await TestServer.start {
            // Long enough for alice's login and the dawdler's TLS handshake on a busy machine.
            $0.helloTimeoutSeconds = 6
            $0.loginTimeoutSeconds = 15
        }
        let alice = try await server.user("alice")
        let silent = try await RawClient.connect(port: server.port)
        let dawdler = try await RawClient.connect(port: server.port)
        try await dawdler.send(.hello(ClientHello(client: "dawdler")))
        // Signs of life that are no progress: a pong, half a frame, a failed login.
        try await dawdler.send(.pong)
        try await dawdler.send(.request(id: 1, .logIn(name: "alice", password: "wrong password", takeOver: false)))
        _ = try await dawdler.error(answering: 1)
        try await dawdler.send(bytes: [0, 0, 0, 40, 1, 123])

        try await silent.waitUntilClosed()
        #expect(closing(silent)?.code == .sessionTimedOut)
        #expect(closing(silent)?.message.contains("No hello within 6 seconds") == true)
        try await dawdler.waitUntilClosed()
        #expect(closing(dawdler)?.code == .sessionTimedOut)
        #expect(closing(dawdler)?.message.contains("No login within 15 seconds") == true)
        // alice logged in in time, and the deadlines passed her by.
        try await alice.connection.send("still here")
        #expect(!alice.log.ended)
        await server.finish()
    }

    @Test func beforeALoginOnlySmallFramesAreTaken() async throws {
        let server = try await TestServer.start { $0.maxFrameBytesBeforeLogin = 2048 }
        let raw = try await RawClient.connect(port: server.port)
        try await raw.send(.hello(ClientHello(client: "big")))
        try await raw.send(json: #"{"type":"register","id":1,"name":"x","password":""# + String(repeating: "p", count: 3000) + #""}"#)
        try await raw.waitUntilClosed()
        #expect(closing(raw)?.code == .frameTooLarge)
        // After the login the usual limit holds: a long message passes.
        let alice = try await server.user("alice")
        let long = String(repeating: "é", count: 3000)
        try await alice.connection.send(long)
        #expect(try await alice.connection.history(of: .lobby, page: .latest(limit: 1)).messages.last?.text == long)
        await server.finish()
    }

    @Test func oneAddressCannotTakeEveryConnection() async throws {
        let server = try await TestServer.start {
            $0.maxConnectionsPerAddress = 3
        }
        var held: [RawClient] = []
        for _ in 0..<3 {
            let raw = try await RawClient.connect(port: server.port)
            _ = try await raw.first("the hello") { if case .hello = $0 { true } else { nil } }
            held.append(raw)
        }
        let fourth = try await RawClient.connect(port: server.port)
        try await fourth.waitUntilClosed()
        #expect(closing(fourth)?.code == .serverFull)
        #expect(closing(fourth)?.message.contains("at most 3") == true)
        #expect(!fourth.messages.contains { if case .hello = $0 { true } else { false } }, "no hello for a refused connection")
        // A place that frees up is taken again.
        await held.removeFirst().close()
        var admitted = false
        for _ in 0..<200 where !admitted {
            let next = try await RawClient.connect(port: server.port)
            admitted = (try? await next.first("hello or closing", timeout: .seconds(10)) { message -> Bool? in
                switch message {
                case .hello: true
                case .event(.closing): false
                default: nil
                }
            }) ?? false
            if !admitted { try await next.waitUntilClosed() } else { held.append(next) }
        }
        #expect(admitted)
        for raw in held { await raw.close() }
        await server.finish()
    }

    @Test func theCounterKeepsBothCaps() {
        let counter = ConnectionCounter(maxTotal: 3, maxPerAddress: 2)
        #expect(counter.admit("10.0.0.1") == .admitted)
        #expect(counter.admit("10.0.0.1") == .admitted)
        #expect(counter.admit("10.0.0.1") == .addressFull)
        #expect(counter.admit("10.0.0.2") == .admitted)
        #expect(counter.admit("10.0.0.3") == .serverFull)
        counter.release("10.0.0.1")
        #expect(counter.admit("10.0.0.3") == .admitted)
        #expect(counter.total == 3)
    }
}
