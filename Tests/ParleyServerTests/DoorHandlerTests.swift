import NIOCore
import NIOEmbedded
import ParleyDomain
import ParleyWire
import Testing

@testable import ParleyServer

/// Counts the reads that reach it, in front of the handler under test.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    var reads = 0
    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

/// The Parley door's small handlers, each on an `EmbeddedChannel`.
@Suite struct DoorHandlerTests {
    /// The frame a message travels in, as the decoder hands it on.
    func frame(_ message: ClientMessage) throws -> Frame {
        var bytes = WireCodec.encode(message)
        let length = Int(bytes.readInteger(as: UInt32.self)!)
        let kind = bytes.readInteger(as: UInt8.self)!
        return Frame(kind: kind, payload: bytes.readSlice(length: length - 1)!)
    }

    /// The server message in a written frame.
    func decoded(_ bytes: ByteBuffer) throws -> ServerMessage {
        var bytes = bytes
        let length = Int(bytes.readInteger(as: UInt32.self)!)
        let kind = bytes.readInteger(as: UInt8.self)!
        return try WireCodec.decodeServerMessage(Frame(kind: kind, payload: bytes.readSlice(length: length - 1)!))
    }

    @Test func theReadGateHoldsReadsWhileAnyReasonHolds() throws {
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([counter, ReadGate()])
        channel.read()
        #expect(counter.reads == 1)
        channel.pipeline.triggerUserOutboundEvent(ReadGate.Change.hold(.requests), promise: nil)
        channel.pipeline.triggerUserOutboundEvent(ReadGate.Change.hold(.disk), promise: nil)
        channel.read()
        channel.read()
        #expect(counter.reads == 1, "held")
        channel.pipeline.triggerUserOutboundEvent(ReadGate.Change.release(.requests), promise: nil)
        #expect(counter.reads == 1, "the disk still holds it")
        channel.pipeline.triggerUserOutboundEvent(ReadGate.Change.release(.disk), promise: nil)
        #expect(counter.reads == 2, "one read owed, made once")
        channel.read()
        #expect(counter.reads == 3)
        _ = try channel.finish()
    }

    @Test func theGathererWritesABurstAsOneBufferWhenItsLoopFlushes() throws {
        let channel = EmbeddedChannel()
        let loop = channel.embeddedEventLoop
        let coalescers = WriteCoalescers(group: loop, delay: .milliseconds(4), maxDelay: .milliseconds(16))
        try channel.pipeline.syncOperations.addHandler(WriteGatherer(coalescers: coalescers))
        channel.write(ByteBuffer(string: "one "), promise: nil)
        channel.write(ByteBuffer(string: "two"), promise: nil)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "gathered, not written")
        loop.advanceTime(by: .milliseconds(3))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "before the window ends")
        loop.advanceTime(by: .milliseconds(1))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "one two"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish()
    }

    @Test func aFlushOrAPacedWriteTakesWhatWasGatheredFirst() throws {
        let channel = EmbeddedChannel()
        let coalescers = WriteCoalescers(group: channel.embeddedEventLoop, delay: .milliseconds(4), maxDelay: .milliseconds(16))
        try channel.pipeline.syncOperations.addHandler(WriteGatherer(coalescers: coalescers))
        channel.write(ByteBuffer(string: "event"), promise: nil)
        channel.writeAndFlush(ByteBuffer(string: " reply"), promise: nil)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "event reply"))

        channel.write(ByteBuffer(string: "gathered"), promise: nil)
        let paced = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(ByteBuffer(string: "chunk"), promise: paced)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "gathered"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "chunk"), "a paced write is not copied")
        _ = try channel.finish()
    }

    @Test func theDecoderHandsOnMessagesAndChunksAndAnswersTheRest() throws {
        let channel = EmbeddedChannel(handler: ParleyInputDecoder(maxInARow: 10, answerBurst: 10, answersPerSecond: 10))
        try channel.writeInbound(frame(.request(id: 4, .rooms(after: nil))))
        guard case .message(.request(4, .rooms(after: nil)))? = try channel.readInbound(as: ParleyInput.self) else {
            Issue.record("the request did not pass")
            return
        }
        let chunk = Chunk(transfer: 7, bytes: ByteBuffer(bytes: [1, 2, 3]))
        var chunkFrame = chunk.frame()
        chunkFrame.moveReaderIndex(forwardBy: Frame.headerBytes)
        try channel.writeInbound(Frame(kind: FrameKind.binary.rawValue, payload: chunkFrame))
        guard case .chunk(let passed)? = try channel.readInbound(as: ParleyInput.self) else {
            Issue.record("the chunk did not pass")
            return
        }
        #expect(passed == chunk)

        try channel.writeInbound(Frame(kind: FrameKind.json.rawValue, payload: ByteBuffer(string: #"{"type":"nonsense","id":9}"#)))
        #expect(try channel.readInbound(as: ParleyInput.self) == nil)
        guard case .reply(9, .error(let error)) = try decoded(#require(try channel.readOutbound(as: ByteBuffer.self))) else {
            Issue.record("no error reply")
            return
        }
        #expect(error.code == .requestUnknownType)

        try channel.writeInbound(Frame(kind: FrameKind.json.rawValue, payload: ByteBuffer(string: "not json")))
        guard case .event(.error(let malformed)) = try decoded(#require(try channel.readOutbound(as: ByteBuffer.self))) else {
            Issue.record("no error event")
            return
        }
        #expect(malformed.code == .frameMalformed)
        _ = try channel.finish()
    }

    /// 1,000 unreadable frames once drew 116 kB of error replies.
    @Test func aFloodOfGarbageGetsFewAnswersAndIsClosed() throws {
        let channel = EmbeddedChannel(handler: ParleyInputDecoder(maxInARow: 5, answerBurst: 2, answersPerSecond: 0.001))
        let garbage = Frame(kind: FrameKind.json.rawValue, payload: ByteBuffer(string: "{"))
        try channel.writeInbound(garbage)
        try channel.writeInbound(frame(.pong))
        #expect(try channel.readInbound(as: ParleyInput.self) != nil, "a good frame passes and starts the count again")
        for _ in 0..<1000 { try channel.writeInbound(garbage) }
        var answers: [ServerMessage] = []
        while let bytes = try channel.readOutbound(as: ByteBuffer.self) { answers.append(try decoded(bytes)) }
        #expect(answers.count == 3, "two answers within the limit, then the closing: \(answers)")
        guard case .event(.closing(let closing)) = answers.last else {
            Issue.record("not closed")
            return
        }
        #expect(closing.code == .requestInvalid && closing.message.contains("5 frames in a row"))
        #expect(!channel.isActive)
    }

    @Test func theRateLimiterRefusesRequestsPastTheBurstAndPassesTheRest() throws {
        let channel = EmbeddedChannel(handler: RateLimitHandler(burst: 2, ratePerSecond: 0.001))
        try channel.writeInbound(ParleyInput.message(.hello(ClientHello(client: "test"))))
        for id: UInt32 in 1...3 { try channel.writeInbound(ParleyInput.message(.request(id: id, .rooms(after: nil)))) }
        try channel.writeInbound(ParleyInput.message(.pong))
        var passed: [String] = []
        while let input = try channel.readInbound(as: ParleyInput.self) {
            switch input {
            case .message(.hello): passed.append("hello")
            case .message(.request(let id, _)): passed.append("request \(id)")
            case .message(.pong): passed.append("pong")
            case .chunk: passed.append("chunk")
            }
        }
        #expect(passed == ["hello", "request 1", "request 2", "pong"])
        guard case .reply(3, .error(let error)) = try decoded(#require(try channel.readOutbound(as: ByteBuffer.self))) else {
            Issue.record("no refusal")
            return
        }
        #expect(error.code == .rateLimited)
        #expect(error.message.contains("at most 2 at once"))
        _ = try channel.finish()
    }

    /// Catches what a handler fires up the pipeline, for the heartbeat test.
    private final class EventCatcher: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var timedOut = 0
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is HeartbeatTimedOut { timedOut += 1 }
        }
    }

    @Test func theHeartbeatPingsAfterEachSilentPeriodAndGivesUpAfterThree() throws {
        let catcher = EventCatcher()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([HeartbeatHandler(ping: WireCodec.encode(ServerMessage.event(.ping))), catcher])
        let silence = IdleStateHandler.IdleStateEvent.read
        channel.pipeline.fireUserInboundEventTriggered(silence)
        guard case .event(.ping) = try decoded(#require(try channel.readOutbound(as: ByteBuffer.self))) else {
            Issue.record("no ping")
            return
        }
        channel.pipeline.fireUserInboundEventTriggered(silence)
        #expect(try channel.readOutbound(as: ByteBuffer.self) != nil, "a second ping")
        try channel.writeInbound(ByteBuffer(string: "pong"))
        channel.pipeline.fireUserInboundEventTriggered(silence)
        channel.pipeline.fireUserInboundEventTriggered(silence)
        #expect(catcher.timedOut == 0, "bytes from the peer count as a sign of life")
        channel.pipeline.fireUserInboundEventTriggered(silence)
        #expect(catcher.timedOut == 1)
        _ = try channel.finish()
    }
}
