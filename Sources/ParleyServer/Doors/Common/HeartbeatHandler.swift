import NIOCore

/// Sent up the pipeline when a peer has been silent for the whole timeout.
struct HeartbeatTimedOut {}

/// Behind an `IdleStateHandler` that reports every third of the timeout
/// without reads: pings the peer each time, and gives up after three silent
/// periods. Any bytes from the peer count as a sign of life.
final class HeartbeatHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let periodsPerTimeout = 3
    /// The door's ping.
    private let ping: ByteBuffer
    private var silentPeriods = 0

    init(ping: ByteBuffer) {
        self.ping = ping
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        silentPeriods = 0
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        silentPeriods += 1
        if silentPeriods >= Self.periodsPerTimeout {
            context.fireUserInboundEventTriggered(HeartbeatTimedOut())
        } else {
            context.writeAndFlush(wrapOutboundOut(ping), promise: nil)
        }
    }
}
