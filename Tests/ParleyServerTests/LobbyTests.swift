import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

@Suite struct LobbyTests {
    @Test func threeClientsSeeEveryMessageInOneOrderSenderIncluded() async throws {
        let server = try await TestServer.start { $0.limits.rateBurst = 100 }
        let users = [try await server.user("ann"), try await server.user("ben"), try await server.user("cat")]
        let perUser = 30
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in users {
                group.addTask {
                    for i in 0..<perUser {
                        let sent = try await user.connection.send("\(user.welcome.user) \(i) 🎈 漢字")
                        #expect(sent.sender == user.welcome.user)
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = users.count * perUser
        for user in users {
            try await user.log.waitForMessages(total)
        }
        let orders = users.map { $0.log.messages.map(\.id) }
        #expect(orders[0].count == total)
        #expect(orders.allSatisfy { $0 == orders[0] }, "everyone sees the same order")
        #expect(zip(orders[0], orders[0].dropFirst()).allSatisfy { $0 < $1 }, "ids grow")
        #expect(users[0].log.messages.contains { $0.text == "cat 29 🎈 漢字" }, "text arrives intact")
        await server.finish()
    }

    @Test func pipelinedRequestsAreCommittedInTheOrderSent() async throws {
        let server = try await TestServer.start { $0.limits.rateBurst = 500 }
        let raw = try await RawClient.connect(port: server.port)
        // Register and login travel together: login must wait for register.
        try await raw.send(.hello(ClientHello(client: "pipeliner")))
        try await raw.send(.request(id: 1, .register(name: "pipe", password: "long enough")))
        try await raw.send(.request(id: 2, .logIn(name: "pipe", password: "long enough", takeOver: false)))
        for id in UInt32(3)...200 {
            try await raw.send(.request(id: id, .send(conversation: .lobby, text: "n\(id)")))
        }
        _ = try await raw.first("the last reply") { if case .reply(200, _) = $0 { true } else { nil } }
        let sent: [(UInt32, Int64)] = raw.messages.compactMap {
            if case .reply(let id, .sent(let message)) = $0 { (id, message.id) } else { nil }
        }
        #expect(sent.count == 198)
        #expect(sent.map(\.0) == Array(3...200), "replies come in request order")
        #expect(zip(sent, sent.dropFirst()).allSatisfy { $0.1 < $1.1 }, "and commit in request order")
        await server.finish()
    }

    @Test func theSendersReplyAndEventCarryTheSameIDAndTime() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let sent = try await alice.connection.send("mine")
        try await alice.log.waitForMessages(1)
        #expect(alice.log.messages == [sent])
        #expect(abs(sent.time - Timestamp.nowMillis()) < 60_000)
        await server.finish()
    }

    @Test func othersSeeJoinedAndLeft() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        #expect(bob.welcome.lobby?.members.filter(\.online).map(\.name) == ["alice", "bob", "robot"])
        try await alice.log.first("bob joined") { if case .joined(.lobby, "bob", false, _) = $0 { true } else { nil } }
        await bob.connection.close()
        let reason = try await alice.log.first("bob left") { event in
            if case .left(.lobby, "bob", let reason, true) = event { reason } else { nil }
        }
        #expect(reason == "quit")
        await server.finish()
    }

    @Test func aClientThatVanishesIsReportedLeftAfterTheHeartbeatTimeout() async throws {
        // Long enough that a busy machine (the 50 MB file test and TLS handshakes run beside
        // this one) does not starve alice's pongs past it.
        let server = try await TestServer.start { $0.limits.heartbeatTimeoutSeconds = 8 }
        let alice = try await server.user("alice")
        var silent = ParleyConnection.Options()
        silent.answersPings = false
        _ = try await server.user("ghost", options: silent)
        let reason = try await alice.log.first("ghost left", timeout: .seconds(40)) { event in
            if case .left(.lobby, "ghost", let reason, true) = event { reason } else { nil }
        }
        #expect(reason == "timed out")
        // alice logged in before the ghost and was as silent, but for her
        // pongs: had they not counted, she would have been closed first and
        // never heard the ghost leave. She is still here.
        try await alice.connection.send("still here")
        #expect(!alice.log.ended)
        await server.finish()
    }

    @Test func historyPagesBackAndResumesAfterAnID() async throws {
        let server = try await TestServer.start { $0.limits.rateBurst = 1000 }
        let alice = try await server.user("alice")
        var sent: [ChatMessage] = []
        for i in 0..<120 { sent.append(try await alice.connection.send("m\(i)")) }

        let latest = try await alice.connection.history(page: .latest(limit: 50))
        #expect(latest.messages == Array(sent.suffix(50)))
        #expect(latest.hasMore)
        let older = try await alice.connection.history(page: .before(id: latest.messages[0].id, limit: 200))
        #expect(older.messages == Array(sent.prefix(70)))
        #expect(!older.hasMore)
        let resumed = try await alice.connection.history(page: .after(id: sent[99].id, limit: 200))
        #expect(resumed.messages == Array(sent.suffix(20)))

        let bob = try await server.user("bob")
        #expect(bob.welcome.lobby?.history == Array(sent.suffix(50)))
        #expect(bob.welcome.lobby?.hasMore == true)

        await #expect(throws: ParleyClientError.self) {
            try await alice.connection.history(page: .latest(limit: 201))
        }
        await server.finish()
    }

    @Test func historySurvivesARestartOnTheSameDirectory() async throws {
        let directory = TestServer.makeDataDirectory()
        var server = try await TestServer.start(dataDirectory: directory)
        let alice = try await server.user("alice")
        var sent: [ChatMessage] = []
        for i in 0..<15 { sent.append(try await alice.connection.send("before restart \(i)")) }
        await server.stop()

        server = try await TestServer.start(dataDirectory: directory)
        let again = try await server.connect()
        let welcome = try await again.logIn(name: "alice", password: "correct horse")
        #expect(welcome.lobby?.history == sent)
        let next = try await again.send("after restart")
        #expect(next.id > sent.last!.id)
        await server.finish()
    }

    @Test func anUnknownConversationIsRefused() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        do {
            try await alice.connection.send("hi", to: ConversationID(rawValue: "nowhere"))
            Issue.record("a message went to a conversation that does not exist")
        } catch let error as ParleyClientError {
            #expect(error.code == .roomNotFound)
        }
        await server.finish()
    }

    @Test func sessionsAreToldWhenTheServerShutsDown() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        await server.finish()
        let code = try await alice.log.first("closing") { event in
            if case .closing(let error) = event { error.code } else { nil }
        }
        #expect(code == .serverShuttingDown)
        try await alice.log.wait(for: "the stream to end") { $0.ended }
    }
}
