import NIOCore
import Synchronization

/// How many connections the server holds, in all and per address: one
/// counter for every door, so that no host can take every connection (or
/// every file descriptor) and leave real clients without a hello.
final class ConnectionCounter: Sendable {
    let maxTotal: Int
    let maxPerAddress: Int
    private let counts = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    init(maxTotal: Int, maxPerAddress: Int) {
        self.maxTotal = maxTotal
        self.maxPerAddress = maxPerAddress
    }

    enum Admission: Equatable {
        case admitted
        case serverFull
        case addressFull
    }

    /// Takes a place for a connection from `address`, if one is free.
    func admit(_ address: String) -> Admission {
        counts.withLock { counts in
            guard counts.total < maxTotal else { return .serverFull }
            guard counts.byAddress[address, default: 0] < maxPerAddress else { return .addressFull }
            counts.total += 1
            counts.byAddress[address, default: 0] += 1
            return .admitted
        }
    }

    func release(_ address: String) {
        counts.withLock { counts in
            counts.total -= 1
            let left = counts.byAddress[address, default: 1] - 1
            counts.byAddress[address] = left == 0 ? nil : left
        }
    }

    var total: Int { counts.withLock { $0.total } }
}

/// The first handler of a connection after TLS: admits it within the
/// counter's caps, or writes the door's refusal (`refusal` makes its bytes)
/// and closes it, within `refusalTimeout` even if the refusal cannot be
/// written (a TLS handshake that never ends), so that refused connections
/// cannot pile up uncounted.
final class ConnectionCapHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let counter: ConnectionCounter
    private let refusal: (ConnectionCounter.Admission) -> ByteBuffer
    private let refusalTimeout: TimeAmount
    private var admittedAddress: String?

    init(counter: ConnectionCounter, refusalTimeout: TimeAmount, refusal: @escaping (ConnectionCounter.Admission) -> ByteBuffer) {
        self.counter = counter
        self.refusalTimeout = refusalTimeout
        self.refusal = refusal
    }

    func channelActive(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        let admission = counter.admit(address)
        guard admission == .admitted else {
            // Nothing further up the pipeline hears of this connection.
            let deadline = context.eventLoop.assumeIsolated().scheduleTask(in: refusalTimeout) { context.close(promise: nil) }
            context.channel.closeFuture.whenComplete { _ in deadline.cancel() }
            context.writeAndFlush(wrapOutboundOut(refusal(admission))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        admittedAddress = address
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admittedAddress != nil else { return }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        guard let address = admittedAddress else { return }
        admittedAddress = nil
        counter.release(address)
        context.fireChannelInactive()
    }
}
