import NIOCore
import ParleyDomain

/// A door's session as the hub's outlet sees it: it takes delivered
/// events, and can be ended by the hub (when the user takes over elsewhere).
protocol OutletTarget: AnyObject, SendableMetatype {
    func deliver(_ event: OutboundEvent)
    func end(because error: DomainError)
}

/// The hub's handle on one session of any door, whose state lives on its
/// event loop; the hub calls it there.
final class SessionOutlet<Target: OutletTarget>: SessionSink {
    let eventLoop: any EventLoop
    let format: EventFormat
    private let target: NIOLoopBound<Target>

    init(_ target: Target, eventLoop: any EventLoop, format: EventFormat) {
        self.eventLoop = eventLoop
        self.format = format
        self.target = NIOLoopBound(target, eventLoop: eventLoop)
    }

    func deliver(_ event: OutboundEvent) {
        target.value.deliver(event)
    }

    func close(because error: DomainError) {
        eventLoop.execute { self.target.value.end(because: error) }
    }
}
