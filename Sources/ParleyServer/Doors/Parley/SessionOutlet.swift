import NIOCore
import ParleyDomain
import ParleyWire

/// The hub's handle on one session, whose state lives on its event loop;
/// the hub calls it there.
final class SessionOutlet: SessionSink {
    let eventLoop: any EventLoop
    let format: EventFormat
    private let handler: NIOLoopBound<SessionHandler>

    init(handler: SessionHandler, eventLoop: any EventLoop, format: EventFormat) {
        self.eventLoop = eventLoop
        self.format = format
        self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
    }

    func deliver(_ event: OutboundEvent) {
        handler.value.deliver(event)
    }

    func close(because error: DomainError) {
        eventLoop.execute { self.handler.value.close(because: ProtocolError(error), leaving: .replaced) }
    }
}
