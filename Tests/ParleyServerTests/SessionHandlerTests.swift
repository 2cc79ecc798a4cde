import NIOCore
import NIOEmbedded
import ParleyDomain
import ParleyTestSupport
import ParleyWire
import Testing

/// The session handler with the rest of the door's pipeline on a testing
/// channel: no socket, the server's own services and store.
@Suite struct SessionHandlerTests {
    /// Frames the session wrote, decoded, as they come.
    final class Reader {
        let channel: NIOAsyncTestingChannel
        var buffer = ByteBuffer()
        var messages: [ServerMessage] = []

        init(_ channel: NIOAsyncTestingChannel) {
            self.channel = channel
        }

        /// The next message the session writes.
        func next() async throws -> ServerMessage {
            while messages.isEmpty {
                var written = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
                buffer.writeBuffer(&written)
                while let frame = try FrameParser(maxFrameBytes: 1 << 24).nextFrame(from: &buffer) {
                    messages.append(try WireCodec.decodeServerMessage(frame))
                }
            }
            return messages.removeFirst()
        }
    }

    @Test func itGreetsRefusesBeforeTheHelloLogsInAndAnswersInOrder() async throws {
        let server = try await TestServer.start()
        let channel = NIOAsyncTestingChannel()
        try await channel.testingEventLoop.submit { try server.server.addSession(to: channel) }.get()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        let reader = Reader(channel)
        guard case .hello(let hello) = try await reader.next() else {
            Issue.record("no hello first")
            return
        }
        #expect(hello.version == ProtocolConstants.version)

        try await channel.writeInbound(WireCodec.encode(ClientMessage.request(id: 1, .rooms(after: nil))))
        guard case .reply(1, .error(let early)) = try await reader.next() else {
            Issue.record("a request before the hello was not refused")
            return
        }
        #expect(early.code == .helloRequired)

        try await channel.writeInbound(WireCodec.encode(ClientMessage.hello(ClientHello(client: "test"))))
        // Three requests in one read: answered one at a time, in order.
        var three = WireCodec.encode(ClientMessage.request(id: 2, .register(name: "ann", password: "long enough")))
        var login = WireCodec.encode(ClientMessage.request(id: 3, .logIn(name: "ann", password: "long enough", takeOver: false)))
        var send = WireCodec.encode(ClientMessage.request(id: 4, .send(conversation: .lobby, text: "hello from a test channel")))
        three.writeBuffer(&login)
        three.writeBuffer(&send)
        try await channel.writeInbound(three)
        guard case .reply(2, .registered("ann")) = try await reader.next() else {
            Issue.record("not registered first")
            return
        }
        guard case .reply(3, .welcome(let welcome)) = try await reader.next() else {
            Issue.record("no welcome second")
            return
        }
        #expect(welcome.user == "ann" && welcome.lobby != nil)
        var sent: ChatMessage?
        while sent == nil {
            if case .reply(4, .sent(let message)) = try await reader.next() { sent = message }
        }
        #expect(sent?.text == "hello from a test channel")
        _ = try? await channel.close()
        await server.finish()
    }
}
