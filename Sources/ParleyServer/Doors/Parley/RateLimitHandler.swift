import NIOCore
import ParleyDomain
import ParleyWire

/// Refuses requests beyond `rate_burst` at once and `rate_per_second`
/// after, with `rate.limited`: nothing of a refused request is done. Hellos,
/// pongs and file bytes are not requests and pass.
final class RateLimitHandler: ChannelInboundHandler {
    typealias InboundIn = ParleyInput
    typealias InboundOut = ParleyInput
    typealias OutboundOut = ByteBuffer

    private var bucket: TokenBucket
    private let refusal: ProtocolError

    init(burst: Int, ratePerSecond: Double) {
        bucket = TokenBucket(capacity: burst, ratePerSecond: ratePerSecond)
        refusal = ProtocolError(
            .rateLimited,
            "Too many requests: at most \(burst) at once, then \(ratePerSecond.formatted) a second. Nothing was done; try again shortly."
        )
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .message(.request(let id, _)) = unwrapInboundIn(data), !bucket.take() {
            context.writeAndFlush(wrapOutboundOut(WireCodec.encode(ServerMessage.reply(id: id, .error(refusal)))), promise: nil)
            return
        }
        context.fireChannelRead(data)
    }
}
