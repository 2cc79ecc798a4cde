import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyServer
import ParleyTestSupport
import Testing

/// Every kind of bad input gets its code, and the server goes on serving
/// two other users who chat throughout.
@Suite struct BadInputTests {
    /// Runs `attack` while alice and bob chat, then checks they still do.
    func whileOthersChat(
        _ adjust: (inout ServerConfiguration) -> Void = { _ in },
        _ attack: (TestServer) async throws -> Void
    ) async throws {
        let server = try await TestServer.start(adjust)
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        try await alice.connection.send("before")
        try await attack(server)
        try await bob.connection.send("after")
        try await alice.log.wait(for: "both messages") { log in log.messages.map(\.text) == ["before", "after"] }
        try await bob.log.wait(for: "both messages") { log in log.messages.map(\.text) == ["before", "after"] }
        await server.finish()
    }

    /// A raw connection that has exchanged hellos.
    func greeted(_ server: TestServer) async throws -> RawClient {
        let raw = try await RawClient.connect(port: server.port)
        try await raw.send(.hello(ClientHello(client: "raw")))
        return raw
    }

    @Test func anOversizedFrameIsRefusedAndOnlyThatConnectionCloses() async throws {
        try await whileOthersChat { server in
            let raw = try await greeted(server)
            var header: [UInt8] = [0, 0x10, 0, 0, 1]  // 1 MiB announced
            header += Array(repeating: 0x41, count: 100)
            try await raw.send(bytes: header)
            #expect(try await raw.errorEvent(.frameTooLarge) == .frameTooLarge)
            try await raw.waitUntilClosed()
        }
    }

    @Test func garbageBytesCloseOnlyThatConnection() async throws {
        try await whileOthersChat { server in
            let raw = try await RawClient.connect(port: server.port)
            try await raw.send(bytes: Array("GET / HTTP/1.1\r\nHost: parley\r\n\r\n".utf8))
            #expect(try await raw.errorEvent(.frameTooLarge) == .frameTooLarge)
            try await raw.waitUntilClosed()
        }
    }

    @Test func malformedPayloadsGetTheirCodesAndTheConnectionStaysUsable() async throws {
        try await whileOthersChat { server in
            let raw = try await greeted(server)
            try await raw.send(json: "{not json")
            #expect(try await raw.errorEvent(.frameMalformed) == .frameMalformed)
            try await raw.send(bytes: Array(Frame.encode(kind: .json, payload: [0x7B, 0xFF, 0xFE, 0x7D]).readableBytesView))
            #expect(try await raw.errorEvent(.frameInvalidUTF8) == .frameInvalidUTF8)
            try await raw.send(json: #"{"type":"teleport","id":7}"#)
            #expect(try await raw.error(answering: 7) == .requestUnknownType)
            try await raw.send(json: #"{"type":"login","id":8,"name":42}"#)
            #expect(try await raw.error(answering: 8) == .requestInvalid)
            // Framing was intact throughout, so the connection still works.
            try await raw.send(.request(id: 9, .register(name: "carol", password: "long enough")))
            let registered = try await raw.first("carol registered") { message in
                if case .reply(9, .registered(let name)) = message { name } else { nil }
            }
            #expect(registered == "carol")
            #expect(!raw.isClosed)
        }
    }

    @Test func requestsBeforeHelloAndBeforeLoginAreRefused() async throws {
        try await whileOthersChat { server in
            let raw = try await RawClient.connect(port: server.port)
            try await raw.send(.request(id: 1, .send(conversation: .lobby, text: "too early")))
            #expect(try await raw.error(answering: 1) == .helloRequired)
            try await raw.send(.hello(ClientHello(client: "raw")))
            try await raw.send(.request(id: 2, .send(conversation: .lobby, text: "still too early")))
            #expect(try await raw.error(answering: 2) == .authRequired)
            try await raw.send(.request(id: 3, .history(conversation: .lobby, page: .latest(limit: 5))))
            #expect(try await raw.error(answering: 3) == .authRequired)
        }
    }

    @Test func aWrongProtocolVersionIsToldAndClosed() async throws {
        try await whileOthersChat { server in
            let raw = try await RawClient.connect(port: server.port)
            try await raw.send(.hello(ClientHello(version: 99, client: "future")))
            #expect(try await raw.errorEvent(.helloUnsupportedVersion) == .helloUnsupportedVersion)
            try await raw.waitUntilClosed()
        }
    }

    @Test func badMessagesAndNamesAreRefusedWithTheirCodes() async throws {
        try await whileOthersChat({ $0.limits.maxMessageCharacters = 100 }) { server in
            let carol = try await server.user("carol")
            for (text, expected) in [
                (String(repeating: "x", count: 101), ErrorCode.messageTooLong),
                ("   \n\t ", .messageEmpty),
                ("\u{1B}[2Jclear", .messageInvalid),
            ] {
                #expect(await rejectionCode { try await carol.connection.send(text) } == expected)
            }
            let raw = try await greeted(server)
            try await raw.send(.request(id: 5, .register(name: String(repeating: "é", count: 300), password: "long enough")))
            #expect(try await raw.error(answering: 5) == .nameTooLong)
        }
    }

    @Test func aFloodIsRateLimitedAfterTheBurst() async throws {
        // A refill too slow to matter while the flood is sent, so the count is exact.
        try await whileOthersChat({ $0.limits.rateBurst = 20; $0.limits.ratePerSecond = 0.001 }) { server in
            let raw = try await greeted(server)
            // 40 requests at once: the burst passes, the rest are refused.
            for id in UInt32(1)...40 {
                try await raw.send(.request(id: id, .send(conversation: .lobby, text: "flood")))
            }
            _ = try await raw.first("40 replies") { message -> Bool? in
                if case .reply(40, _) = message { true } else { nil }
            }
            let limited = raw.messages.filter { if case .reply(_, .error(let e)) = $0 { e.code == .rateLimited } else { false } }
            let unlimited = raw.messages.filter { if case .reply(_, .error(let e)) = $0 { e.code == .authRequired } else { false } }
            #expect(unlimited.count == 20)
            #expect(limited.count == 20)
        }
    }

    @Test func aReaderThatFallsBehindIsCutOffAndOthersGetEverything() async throws {
        let server = try await TestServer.start {
            $0.maxOutboundBytes = 64 * 1024
            $0.limits.maxReplyBytes = 16 * 1024
            $0.limits.rateBurst = 100_000
        }
        let alice = try await server.user("alice")
        let sloth = try await RawClient.connect(port: server.port)
        try await sloth.send(.hello(ClientHello(client: "sloth")))
        try await sloth.send(.request(id: 1, .register(name: "sloth", password: "long enough")))
        try await sloth.send(.request(id: 2, .logIn(name: "sloth", password: "long enough", takeOver: false)))
        _ = try await sloth.first("welcome") { if case .reply(2, .welcome) = $0 { true } else { nil } }
        try await sloth.stopReading()

        // Far more than the kernel's socket buffers and the 64 KiB allowance.
        let text = String(repeating: "z", count: 4000)
        var sent = 0
        while !alice.log.events.contains(where: { if case .left(_, "sloth", _, _) = $0 { true } else { false } }) {
            try await alice.connection.send(text)
            sent += 1
            try #require(sent < 20_000, "the slow reader was never cut off")
        }
        let reason = try await alice.log.first("sloth left") { event in
            if case .left(_, "sloth", let reason, _) = event { reason } else { nil }
        }
        #expect(reason == "too slow")
        try await alice.log.waitForMessages(sent)
        await server.finish()
    }
}
