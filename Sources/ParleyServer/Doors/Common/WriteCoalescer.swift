import NIOConcurrencyHelpers
import NIOCore

/// Writes what the sessions of one event loop gathered, all at one
/// moment after the first of them: one timer per loop instead of one per
/// session per burst (with hundreds of sessions in a busy room the timers'
/// heap was a tenth of the server's time, docs/BENCHMARKS.md).
///
/// The wait is `coalesce_ms` while writing is cheap. When writing takes the
/// loop more than a quarter of the time between writes, the wait grows to
/// keep it at that share, up to `coalesce_max_ms`: a busy room then costs
/// fewer, larger writes instead of a loop that never catches up.
/// Made before its loop runs; used only on it afterwards.
final class WriteCoalescer: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let baseDelay: TimeAmount
    private let maxDelay: TimeAmount
    private(set) var delay: TimeAmount
    private var due: [WriteGatherer] = []
    private var scheduled = false

    init(eventLoop: any EventLoop, delay: TimeAmount, maxDelay: TimeAmount) {
        self.eventLoop = eventLoop
        baseDelay = delay
        self.maxDelay = maxDelay
        self.delay = delay
    }

    /// Called on the loop when `gatherer` gathers its first bytes since its
    /// last write.
    func flushSoon(_ gatherer: WriteGatherer) {
        due.append(gatherer)
        guard !scheduled else { return }
        scheduled = true
        eventLoop.assumeIsolated().scheduleTask(in: delay) { self.flushAll() }
    }

    private func flushAll() {
        scheduled = false
        let started = NIODeadline.now()
        let gatherers = due
        due.removeAll(keepingCapacity: true)
        for gatherer in gatherers { gatherer.flushGathered() }
        delay = Self.delay(afterWritingFor: NIODeadline.now() - started, base: baseDelay, max: maxDelay)
    }

    /// The wait that keeps writing to a quarter of the loop's time.
    static func delay(afterWritingFor spent: TimeAmount, base: TimeAmount, max: TimeAmount) -> TimeAmount {
        Swift.min(max, Swift.max(base, spent * 4))
    }
}

/// One `WriteCoalescer` per event loop of the server's group, and one made
/// on first use for a loop outside it (a test's embedded channel).
struct WriteCoalescers: Sendable {
    private let byLoop: [ObjectIdentifier: WriteCoalescer]
    private let others: NIOLockedValueBox<[ObjectIdentifier: WriteCoalescer]> = NIOLockedValueBox([:])
    private let delay, maxDelay: TimeAmount

    init(group: any EventLoopGroup, delay: TimeAmount, maxDelay: TimeAmount) {
        var byLoop: [ObjectIdentifier: WriteCoalescer] = [:]
        for loop in group.makeIterator() {
            byLoop[ObjectIdentifier(loop)] = WriteCoalescer(eventLoop: loop, delay: delay, maxDelay: maxDelay)
        }
        self.byLoop = byLoop
        (self.delay, self.maxDelay) = (delay, maxDelay)
    }

    /// The coalescer of `eventLoop`, on which the caller runs.
    func of(_ eventLoop: any EventLoop) -> WriteCoalescer {
        eventLoop.preconditionInEventLoop()
        if let coalescer = byLoop[ObjectIdentifier(eventLoop)] { return coalescer }
        return others.withLockedValue { others in
            if let coalescer = others[ObjectIdentifier(eventLoop)] { return coalescer }
            let coalescer = WriteCoalescer(eventLoop: eventLoop, delay: delay, maxDelay: maxDelay)
            others[ObjectIdentifier(eventLoop)] = coalescer
            return coalescer
        }
    }
}
