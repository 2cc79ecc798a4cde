import NIOCore
import ParleyDomain
import ParleyWire

/// What a Parley client sends, once its frame is read.
enum ParleyInput {
    case message(ClientMessage)
    /// File bytes of an upload.
    case chunk(Chunk)
}

/// Turns frames into client messages and file chunks. A frame that is not
/// a message gets its error here (as the reply to its request when the id
/// could be read) and goes no further. Errors are answered within a rate
/// limit like requests (past it they are counted, not answered), and after
/// `maxInARow` unreadable frames in a row the connection is closed: a flood
/// of garbage cannot make the server write a flood of errors.
final class ParleyInputDecoder: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias InboundOut = ParleyInput
    typealias OutboundOut = ByteBuffer

    private let maxInARow: Int
    private var inARow = 0
    private var answers: TokenBucket

    init(maxInARow: Int, answerBurst: Int, answersPerSecond: Double) {
        self.maxInARow = maxInARow
        answers = TokenBucket(capacity: answerBurst, ratePerSecond: answersPerSecond)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard inARow < maxInARow else { return }
        let frame = unwrapInboundIn(data)
        if let chunk = Chunk(frame) {
            inARow = 0
            context.fireChannelRead(wrapInboundOut(.chunk(chunk)))
            return
        }
        switch WireCodec.decodeClientMessage(frame) {
        case .success(let message):
            inARow = 0
            context.fireChannelRead(wrapInboundOut(.message(message)))
        case .failure(let failure):
            inARow += 1
            if inARow >= maxInARow {
                let closing = ProtocolError(
                    .requestInvalid, "\(maxInARow) frames in a row could not be read; closing. Check the client against docs/PROTOCOL.md."
                )
                context.writeAndFlush(wrapOutboundOut(WireCodec.encode(ServerMessage.event(.closing(closing))))).assumeIsolated()
                    .whenComplete { _ in context.close(promise: nil) }
                return
            }
            guard answers.take() else { return }
            let answer: ServerMessage = failure.requestID.map { .reply(id: $0, .error(failure.error)) } ?? .event(.error(failure.error))
            context.writeAndFlush(wrapOutboundOut(WireCodec.encode(answer)), promise: nil)
        }
    }
}
