import NIOCore
import NIOPosix
import NIOSSL
import ParleyDomain
import ParleyWire
import Synchronization

/// A socket that sends whatever bytes a test gives it, for the inputs no
/// well-behaved client would send, and reads back what the server says.
public final class RawClient: Sendable {
    private let channel: any Channel
    private let inbox: Inbox

    /// With `tls`, the bytes go inside TLS, as every client's do (the
    /// certificate is not checked: the clients' tests check trust).
    public static func connect(port: Int, tls: Bool = true) async throws -> RawClient {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: uncheckedTLS, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(InboxHandler(inbox: inbox))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawClient(channel: channel, inbox: inbox)
    }

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    public func send(bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends one JSON frame holding `json` as it is.
    public func send(json: String) async throws {
        try await send(bytes: Array(Frame.encode(kind: .json, payload: Array(json.utf8)).readableBytesView))
    }

    public func send(_ message: ClientMessage) async throws {
        try await channel.writeAndFlush(WireCodec.encode(message))
    }

    public var messages: [ServerMessage] { inbox.messages }
    public var isClosed: Bool { inbox.closed }

    /// Waits for a message `match` maps to a value, skipping the others.
    public func first<T>(_ description: String, timeout: Duration = .seconds(30), _ match: (ServerMessage) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = messages.lazy.compactMap(match).first { return found }
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: description) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The error the server answered request `id` with.
    public func error(answering id: UInt32) async throws -> ErrorCode {
        try await first("an error answering \(id)") { message in
            if case .reply(id, .error(let error)) = message { error.code } else { nil }
        }
    }

    /// The code of an error event that answers no request.
    public func errorEvent(_ code: ErrorCode) async throws -> ErrorCode {
        try await first("error event \(code)") { message in
            switch message {
            case .event(.error(let error)) where error.code == code, .event(.closing(let error)) where error.code == code:
                error.code
            default: nil
            }
        }
    }

    public func waitUntilClosed(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isClosed {
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: "the server to close the connection") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Leaves everything the server sends in the socket, like a client
    /// that hangs.
    public func stopReading() async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: false).get()
    }

    public func close() async {
        try? await channel.close()
    }
}

private let uncheckedTLS: NIOSSLContext = {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.certificateVerification = .none
    return try! NIOSSLContext(configuration: configuration)
}()

private final class Inbox: ReceivingInbox {
    private struct State {
        var buffer = ByteBuffer()
        var messages: [ServerMessage] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let parser = FrameParser(maxFrameBytes: 64 * 1024 * 1024)

    var messages: [ServerMessage] { state.withLock { $0.messages } }
    var closed: Bool { state.withLock { $0.closed } }

    func receive(_ bytes: ByteBuffer) {
        state.withLock { state in
            state.buffer.writeImmutableBuffer(bytes)
            while let frame = try? parser.nextFrame(from: &state.buffer),
                  let message = try? WireCodec.decodeServerMessage(frame) {
                state.messages.append(message)
            }
        }
    }

    func markClosed() {
        state.withLock { $0.closed = true }
    }
}

/// Where a test client's handler puts what it reads.
protocol ReceivingInbox: Sendable {
    func receive(_ bytes: ByteBuffer)
    func markClosed()
}

/// Hands every read to its inbox, and says when the connection is gone.
final class InboxHandler<Inbox: ReceivingInbox>: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let inbox: Inbox

    init(inbox: Inbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.receive(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.markClosed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
