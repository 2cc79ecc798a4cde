import NIOCore

/// Holds back `read` while any part of the session asks it to, as NIO's
/// `BackPressureHandler` does for writability: the socket is simply not read,
/// so a client that sends faster than its requests run, or uploads faster
/// than the disk writes, waits in the kernel instead of in memory.
final class ReadGate: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    /// Why reading waits.
    enum Reason: Hashable, Sendable {
        /// Too many requests wait to run.
        case requests
        /// File bytes arrive faster than the disk takes them.
        case disk
    }

    /// Sent down the pipeline (`triggerUserOutboundEvent`) to close or open
    /// the gate for one reason.
    enum Change: Hashable, Sendable {
        case hold(Reason)
        case release(Reason)
    }

    private var holds: Set<Reason> = []
    private var readPending = false

    func read(context: ChannelHandlerContext) {
        if holds.isEmpty {
            context.read()
        } else {
            readPending = true
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let change = event as? Change else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch change {
        case .hold(let reason):
            holds.insert(reason)
        case .release(let reason):
            holds.remove(reason)
            if holds.isEmpty && readPending {
                readPending = false
                context.read()
            }
        }
        promise?.succeed()
    }
}
