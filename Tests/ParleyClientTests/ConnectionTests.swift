import NIOPosix
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func noServerGivesASentenceWithTheAddressAndAHint() async throws {
        // Bind and close a socket to find a port nobody listens on.
        let probe = try await TestServer.start()
        let port = probe.port
        await probe.finish()
        do {
            _ = try await ParleyConnection.connect(host: "127.0.0.1", port: port)
            Issue.record("connected to a closed port")
        } catch {
            #expect("\(error)" == "cannot connect to 127.0.0.1:\(port): connection refused — is parley-server running?")
        }
    }

    @Test func theHelloCarriesTheServersLimits() async throws {
        let server = try await TestServer.start { $0.limits.maxMessageCharacters = 1234 }
        let connection = try await server.connect()
        #expect(connection.serverHello.version == ProtocolConstants.version)
        #expect(connection.serverHello.limits.maxMessageCharacters == 1234)
        await server.finish()
    }

    @Test func concurrentRequestsGetTheirOwnReplies() async throws {
        let server = try await TestServer.start { $0.limits.rateBurst = 200 }
        let alice = try await server.user("alice")
        let texts = (0..<50).map { "message \($0)" }
        let replies = try await withThrowingTaskGroup(of: (String, ChatMessage).self) { group in
            for text in texts {
                group.addTask { (text, try await alice.connection.send(text)) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(replies.count == 50)
        #expect(replies.allSatisfy { $0.key == $0.value.text })
        await server.finish()
    }

    /// Requests beyond the server's burst wait their turn instead of being
    /// refused with `rate.limited`: a script or a fast typist loses nothing.
    @Test func requestsFasterThanTheRateLimitWaitTheirTurn() async throws {
        let server = try await TestServer.start {
            $0.limits.rateBurst = 3
            $0.limits.ratePerSecond = 20
        }
        let alice = try await server.user("alice")
        let texts = (1...30).map { "line \($0)" }
        var ids: [Int64] = []
        for text in texts {
            ids.append(try await alice.connection.send(text).id)
        }
        #expect(ids == ids.sorted())
        let history = try await alice.connection.history(page: .latest(limit: 50))
        #expect(history.messages.map(\.text).filter { $0.hasPrefix("line ") } == texts)
        await server.finish()
    }

    @Test func requestsAfterCloseFailAndTheEventStreamEnds() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        await alice.connection.close()
        try await alice.log.wait(for: "the events to end") { $0.ended }
        await #expect(throws: ParleyClientError.self) { try await alice.connection.send("into the void") }
        await server.finish()
    }

    @Test func aRequestInFlightFailsWhenTheServerGoesAway() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        await server.finish()
        do {
            _ = try await alice.connection.history(page: .latest(limit: 10))
            Issue.record("a request succeeded on a closed connection")
        } catch let error as ParleyClientError {
            guard case .disconnected = error else {
                Issue.record("expected disconnected, got \(error)")
                return
            }
        }
    }
}

@Suite struct NotAParleyServerTests {
    @Test func aServerThatNeverSaysHelloIsNamedAfterTheTimeout() async throws {
        // A listener that accepts and says nothing.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        var options = ParleyConnection.Options()
        options.helloTimeout = .milliseconds(300)
        do {
            _ = try await ParleyConnection.connect(host: "127.0.0.1", port: port, options: options)
            Issue.record("connected to something that never said hello")
        } catch {
            #expect("\(error)".contains("is it a Parley server?"))
        }
        try await silent.close()
    }
}
