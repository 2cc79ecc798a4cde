import NIOCore

/// Gathers what is written without a promise into one buffer until the
/// next flush, or until its loop's `WriteCoalescer` flushes it: a burst of
/// events to one session crosses the rest of the pipeline and leaves in one
/// system call, instead of once per event. Copying a frame of a few hundred
/// bytes costs less than a trip through the pipeline, and in a busy room
/// the system calls were most of the cost (docs/BENCHMARKS.md).
///
/// A write with a promise (a file chunk whose sending is paced, the last
/// frame before closing) goes out at once, after what was gathered, so
/// order holds.
final class WriteGatherer: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let initialCapacity = 4096
    private let coalescers: WriteCoalescers
    private var coalescer: WriteCoalescer?
    private var context: ChannelHandlerContext?
    private var gathered: ByteBuffer?

    init(coalescers: WriteCoalescers) {
        self.coalescers = coalescers
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        coalescer = coalescers.of(context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard promise == nil else {
            writeGathered(context)
            context.write(data, promise: promise)
            return
        }
        gather(unwrapOutboundIn(data), context: context)
    }

    /// Gathers event bytes handed over directly by the session, on this
    /// loop: the hot path of a fan-out, which would otherwise pay a trip
    /// through the pipeline per event and recipient (docs/BENCHMARKS.md).
    func gather(_ bytes: ByteBuffer) {
        guard let context else { return }
        gather(bytes, context: context)
    }

    private func gather(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        var bytes = bytes
        if gathered == nil {
            gathered = context.channel.allocator.buffer(capacity: Swift.max(Self.initialCapacity, bytes.readableBytes))
            coalescer?.flushSoon(self)
        }
        gathered!.writeBuffer(&bytes)
    }

    func flush(context: ChannelHandlerContext) {
        writeGathered(context)
        context.flush()
    }

    /// Called by the coalescer, on this loop.
    func flushGathered() {
        guard let context, gathered != nil else { return }
        writeGathered(context)
        context.flush()
    }

    private func writeGathered(_ context: ChannelHandlerContext) {
        guard let buffer = gathered else { return }
        gathered = nil
        context.write(wrapOutboundOut(buffer), promise: nil)
    }
}
