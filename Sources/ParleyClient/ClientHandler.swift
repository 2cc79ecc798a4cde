import NIOCore
import ParleyDomain
import ParleyWire

/// Reads the server's frames: the hello completes the handshake, replies go
/// to their waiting requests, pings are answered, other events are passed
/// on in order.
final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias OutboundOut = ByteBuffer

    private static let pong = WireCodec.encode(ClientMessage.pong)

    private let hello: EventLoopPromise<ServerHello>
    private let pending: PendingRequests
    private let transfers: TransferRouter
    private let events: AsyncStream<Event>.Continuation
    private let answersPings: Bool

    init(hello: EventLoopPromise<ServerHello>, pending: PendingRequests, transfers: TransferRouter,
         events: AsyncStream<Event>.Continuation, answersPings: Bool) {
        self.hello = hello
        self.pending = pending
        self.transfers = transfers
        self.events = events
        self.answersPings = answersPings
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if let chunk = Chunk(frame) {
            transfers.receive(chunk)
            return
        }
        let message: ServerMessage
        do {
            message = try WireCodec.decodeServerMessage(frame)
        } catch {
            let reason = "the server sent a message this client cannot read (\(error))"
            hello.fail(ParleyClientError.incompatibleServer(reason))
            pending.close(reason: reason)
            context.close(promise: nil)
            return
        }
        switch message {
        case .hello(let serverHello):
            hello.succeed(serverHello)
        case .reply(let id, let reply):
            pending.complete(id, with: .success(reply))
        case .event(.ping):
            if answersPings {
                context.writeAndFlush(wrapOutboundOut(Self.pong), promise: nil)
            }
        case .event(let event):
            if case .closing(let error) = event {
                pending.close(reason: error.message)
            }
            transfers.hear(event)
            events.yield(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let reason = "the server closed the connection"
        hello.fail(ParleyClientError.disconnected(reason: reason))
        pending.close(reason: reason)
        transfers.close(reason: reason)
        events.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Before the hello, this is why the connection failed (a TLS handshake).
        hello.fail(error)
        pending.close(reason: "connection error: \(error)")
        context.close(promise: nil)
    }
}
