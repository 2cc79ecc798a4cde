import NIOCore

/// Writes the events gathered by the sessions of one event loop, all at one
/// moment `delay` after the first of them: one timer per loop instead of
/// one per session per burst. With hundreds of sessions in a busy room the
/// timers' heap was a tenth of the server's time (docs/BENCHMARKS.md).
/// Made before its loop runs; used only on it afterwards.
final class WriteCoalescer: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let delay: TimeAmount
    private var due: [SessionHandler] = []
    private var scheduled = false

    init(eventLoop: any EventLoop, delay: TimeAmount) {
        self.eventLoop = eventLoop
        self.delay = delay
    }

    /// Called on the loop when `session` gathers a first event since its
    /// last write.
    func flushSoon(_ session: SessionHandler) {
        due.append(session)
        guard !scheduled else { return }
        scheduled = true
        eventLoop.assumeIsolated().scheduleTask(in: delay) { self.flushAll() }
    }

    private func flushAll() {
        scheduled = false
        let sessions = due
        due.removeAll(keepingCapacity: true)
        for session in sessions { session.flushOutgoing() }
    }
}

/// One `WriteCoalescer` per event loop of the server's group.
struct WriteCoalescers: Sendable {
    private let byLoop: [ObjectIdentifier: WriteCoalescer]

    init(group: any EventLoopGroup, delay: TimeAmount) {
        var byLoop: [ObjectIdentifier: WriteCoalescer] = [:]
        for loop in group.makeIterator() {
            byLoop[ObjectIdentifier(loop)] = WriteCoalescer(eventLoop: loop, delay: delay)
        }
        self.byLoop = byLoop
    }

    /// The coalescer of `eventLoop`, on which the caller runs.
    func of(_ eventLoop: any EventLoop) -> WriteCoalescer {
        guard let coalescer = byLoop[ObjectIdentifier(eventLoop)] else {
            preconditionFailure("a session on an event loop outside the server's group")
        }
        coalescer.eventLoop.preconditionInEventLoop()
        return coalescer
    }
}
