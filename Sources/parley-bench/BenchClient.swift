import Foundation
import Histogram
import NIOCore
import NIOPosix
import ParleyProtocol

/// One bench connection, lean on purpose so that the bench is not the
/// bottleneck: it cuts frames itself (no decoder stage, no trip through the
/// pipeline per frame), speaks the protocol with hand-written JSON, answers
/// pings, and reads only what it measures — the send time a bench message
/// carries in its text ("b NANOS"), to record the latency at receipt.
final class BenchClient: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let pong = WireCodec.encode(ClientMessage.pong)
    private static let replyKey = Array("\"re\":".utf8)
    private static let textKey = Array("\"text\":\"b ".utf8)
    private static let pingType = Array("\"type\":\"ping\"".utf8)
    private static let errorType = Array("\"type\":\"error\"".utf8)
    private static let tokenKey = Array("\"token\":\"".utf8)
    /// How most message events begin (the order of JSON keys varies).
    private static let messageEvent = Array("{\"type\":\"message\"".utf8)

    private let frames = FrameParser(maxFrameBytes: ProtocolConstants.defaultClientMaxFrameBytes)
    /// The start of a frame whose end has not arrived.
    private var unfinished: ByteBuffer?
    private var waiting: [UInt32: EventLoopPromise<Void>] = [:]
    private var nextID: UInt32 = 1
    private var context: ChannelHandlerContext?
    /// Made at the first receipt: a histogram is a few hundred kilobytes,
    /// and most connections of the login scenarios never receive a message.
    /// A class, so that recording changes it in place rather than a copy.
    private final class Recorded {
        var latencies = BenchClient.histogram()
    }
    private var recorded: Recorded?
    var latencies: Histogram<UInt64>? { recorded?.latencies }
    private(set) var received = 0
    private(set) var sent = 0
    /// The resume token of the last welcome.
    private(set) var token: String?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Starts a new measurement, with the histogram made beforehand.
    func resetLatencies() {
        let recorded = self.recorded ?? Recorded()
        self.recorded = recorded
        recorded.latencies.reset()
    }

    /// Sends a request and completes when its reply comes; an error reply
    /// fails it unless `tolerated`.
    func request(_ body: String) -> EventLoopFuture<Void> {
        let id = nextID
        nextID += 1
        let promise = context!.eventLoop.makePromise(of: Void.self)
        waiting[id] = promise
        write("{\"id\":\(id),\(body)}")
        return promise.futureResult
    }

    func hello() {
        write("{\"type\":\"hello\",\"version\":\(ProtocolConstants.version),\"client\":\"parley-bench\"}")
    }

    /// Sends bench messages to the lobby, stamped with the time now, until
    /// `due` have been sent: a late tick catches up, so the load offered
    /// does not drop when the bench's loop is busy.
    /// `padding` characters after the time make the messages that long.
    func sendMessages(upTo due: Int, padding: String = "") {
        let count = due - sent
        guard count > 0, let context else { return }
        sent += count
        for _ in 0..<count {
            let id = nextID
            nextID &+= 1
            let json = "{\"type\":\"send\",\"id\":\(id),\"conversation\":\"lobby\",\"text\":\"b \(NIODeadline.now().uptimeNanoseconds)\(padding)\"}"
            context.write(wrapOutboundOut(Frame.encode(kind: .json, payload: Array(json.utf8))), promise: nil)
        }
        context.flush()
    }

    private func write(_ json: String) {
        context?.writeAndFlush(wrapOutboundOut(Frame.encode(kind: .json, payload: Array(json.utf8))), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Every frame of one read arrived at once: one clock reading for all.
        let now = NIODeadline.now().uptimeNanoseconds
        var bytes = unwrapInboundIn(data)
        if var held = unfinished {
            held.writeBuffer(&bytes)
            bytes = held
            unfinished = nil
        }
        do {
            while let frame = try frames.nextFrame(from: &bytes) {
                frame.payload.withUnsafeReadableBytes { handle($0, at: now, context: context) }
            }
        } catch {
            context.fireErrorCaught(error)
            return
        }
        if bytes.readableBytes > 0 { unfinished = bytes }
    }

    private func handle(_ bytes: UnsafeRawBufferPointer, at now: UInt64, context: ChannelHandlerContext) {
        if bytes.starts(with: Self.messageEvent) {
            // Most frames: skip looking for the marks of the rare others.
            if let text = bytes.end(of: Self.textKey) { record(sentAt: Self.number(in: bytes, from: text), receivedAt: now) }
        } else if let re = bytes.end(of: Self.replyKey) {
            // Replies: setup ones complete their promise; those to sends are only acknowledgements.
            let id = UInt32(Self.number(in: bytes, from: re))
            guard let promise = waiting.removeValue(forKey: id) else { return }
            if bytes.end(of: Self.errorType) != nil {
                promise.fail(BenchError("refused: \(String(decoding: bytes, as: UTF8.self))"))
            } else {
                if let key = bytes.end(of: Self.tokenKey) {
                    token = String(decoding: bytes[key...].prefix { $0 != UInt8(ascii: "\"") }, as: UTF8.self)
                }
                promise.succeed()
            }
        } else if let text = bytes.end(of: Self.textKey) {
            record(sentAt: Self.number(in: bytes, from: text), receivedAt: now)
        } else if bytes.end(of: Self.pingType) != nil {
            context.writeAndFlush(wrapOutboundOut(Self.pong), promise: nil)
        }
    }

    private func record(sentAt sent: UInt64, receivedAt now: UInt64) {
        received += 1
        if recorded == nil { resetLatencies() }
        _ = recorded?.latencies.record(now > sent ? now - sent : 0)
    }

    func channelInactive(context: ChannelHandlerContext) {
        for promise in waiting.values { promise.fail(BenchError("the server closed a bench connection")) }
        waiting = [:]
    }

    /// Latencies up to a minute, to three significant digits.
    static func histogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }

    private static func number(in bytes: UnsafeRawBufferPointer, from start: Int) -> UInt64 {
        var value: UInt64 = 0
        var index = start
        while index < bytes.count, (48...57).contains(bytes[index]) {
            value = value &* 10 &+ UInt64(bytes[index] - 48)
            index += 1
        }
        return value
    }
}

/// A bench connection and the loop it lives on.
struct BenchConnection: Sendable {
    let channel: any Channel
    let client: NIOLoopBound<BenchClient>

    /// `count` connections named PREFIX0, PREFIX1…, opened `inFlight` at a time.
    static func openMany(
        _ count: Int, prefix: String = "bench", host: String, port: Int, group: MultiThreadedEventLoopGroup, inFlight: Int = 50,
        receiveBuffer: Int? = nil
    ) async throws -> [BenchConnection] {
        try await concurrently(count, inFlight: inFlight) { n in
            try await open(host: host, port: port, name: "\(prefix)\(n)", group: group, receiveBuffer: receiveBuffer)
        }
    }

    /// Connects and logs in: with a `token`, by resuming; otherwise it
    /// registers first (an existing account is fine) and logs in with the password.
    /// `receiveBuffer` fixes the socket's receive buffer (the kernel stops
    /// growing it), so that a client that stops reading is soon seen as one.
    static func open(
        host: String, port: Int, name: String, token: String? = nil, group: MultiThreadedEventLoopGroup, receiveBuffer: Int? = nil
    ) async throws -> BenchConnection {
        var bootstrap = ClientBootstrap(group: group).channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let receiveBuffer { bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer)) }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(BenchClient())
                }
            }
            .connect(host: host, port: port).get()
        let client = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: BenchClient.self), eventLoop: channel.eventLoop)
        }.get()
        if let token {
            try await channel.eventLoop.flatSubmit {
                client.value.hello()
                return client.value.request("\"type\":\"resume\",\"name\":\"\(name)\",\"token\":\"\(token)\",\"take_over\":true")
            }.get()
            return BenchConnection(channel: channel, client: client)
        }
        let credentials = "\"name\":\"\(name)\",\"password\":\"bench-password\""
        try await channel.eventLoop.flatSubmit {
            client.value.hello()
            return client.value.request("\"type\":\"register\",\(credentials)").flatMapError { _ in
                channel.eventLoop.makeSucceededVoidFuture()
            }
        }.get()
        try await channel.eventLoop.flatSubmit { client.value.request("\"type\":\"login\",\(credentials)") }.get()
        return BenchConnection(channel: channel, client: client)
    }

    func onLoop<T: Sendable>(_ body: @escaping @Sendable (BenchClient) -> T) async throws -> T {
        let client = self.client
        return try await channel.eventLoop.submit { body(client.value) }.get()
    }
}

extension UnsafeRawBufferPointer {
    /// Where the first `pattern` ends. The search hops between the bytes of
    /// the pattern's colon, if it has one: JSON has far fewer colons than quotes.
    func end(of pattern: [UInt8]) -> Int? {
        guard let base = baseAddress, count >= pattern.count else { return nil }
        let anchor = pattern.firstIndex(of: UInt8(ascii: ":")) ?? 0
        return pattern.withUnsafeBytes { needle in
            var from = anchor
            let last = count - needle.count + anchor
            while from <= last, let found = memchr(base + from, Int32(needle[anchor]), last - from + 1) {
                let start = base.distance(to: UnsafeRawPointer(found)) - anchor
                // A short pattern: comparing in place beats a call to memcmp.
                var matched = 0
                while matched < needle.count, self[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return start + needle.count }
                from = start + anchor + 1
            }
            return nil
        }
    }
}

/// Runs `work` for 0..<count with at most `inFlight` under way, results in order.
func concurrently<T: Sendable>(
    _ count: Int, inFlight: Int, _ work: @escaping @Sendable (Int) async throws -> T
) async throws -> [T] {
    try await withThrowingTaskGroup(of: (Int, T).self) { tasks in
        var results: [T?] = Array(repeating: nil, count: count)
        var next = 0
        while next < min(inFlight, count) {
            let n = next
            tasks.addTask { (n, try await work(n)) }
            next += 1
        }
        while let (n, result) = try await tasks.next() {
            results[n] = result
            if next < count {
                let n = next
                tasks.addTask { (n, try await work(n)) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
