import NIOCore
import ParleyProtocol

/// The hub's handle on one session, whose state lives on its event loop;
/// the hub calls it there.
final class SessionOutlet: SessionSink {
    let eventLoop: any EventLoop
    private let handler: NIOLoopBound<SessionHandler>

    init(handler: SessionHandler, eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
    }

    func deliver(_ event: OutboundEvent) {
        handler.value.deliver(event)
    }

    func close(because error: ProtocolError) {
        eventLoop.execute { self.handler.value.close(because: error, leaving: "logged in elsewhere") }
    }
}
