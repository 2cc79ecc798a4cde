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
/// could be read) and goes no further.
final class ParleyInputDecoder: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias InboundOut = ParleyInput
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if let chunk = Chunk(frame) {
            context.fireChannelRead(wrapInboundOut(.chunk(chunk)))
            return
        }
        switch WireCodec.decodeClientMessage(frame) {
        case .success(let message):
            context.fireChannelRead(wrapInboundOut(.message(message)))
        case .failure(let failure):
            let answer: ServerMessage = failure.requestID.map { .reply(id: $0, .error(failure.error)) } ?? .event(.error(failure.error))
            context.writeAndFlush(wrapOutboundOut(WireCodec.encode(answer)), promise: nil)
        }
    }
}
