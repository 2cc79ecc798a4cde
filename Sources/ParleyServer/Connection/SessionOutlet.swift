import NIOCore
import ParleyProtocol

/// The hub's handle on one session: hops onto the session's event loop,
/// where all of the session's state lives.
final class SessionOutlet: SessionSink {
    private let eventLoop: any EventLoop
    private let handler: NIOLoopBound<SessionHandler>

    init(handler: SessionHandler, eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
    }

    func deliver(_ event: OutboundEvent) {
        if eventLoop.inEventLoop {
            handler.value.deliver(event)
        } else {
            eventLoop.execute { self.handler.value.deliver(event) }
        }
    }

    func close(because error: ProtocolError) {
        eventLoop.execute { self.handler.value.close(because: error, leaving: "logged in elsewhere") }
    }
}
