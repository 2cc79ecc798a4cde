import Foundation
import Histogram
import NIOCore
import NIOPosix
import NIOSSL
import ParleyDomain
import ParleyWire

/// One bench connection, lean on purpose so that the bench is not the
/// bottleneck: it cuts frames itself (no decoder stage, no trip through the
/// pipeline per frame), speaks the protocol with hand-written JSON, answers
/// pings, and reads only what it measures.
///
/// At the IRC door (`door` irc) it speaks IRC lines instead: it registers
/// with PASS, sends PRIVMSG, answers PING, and finds the same marks in the
/// PRIVMSG lines it gets.
///
/// A bench message's text is `b STEP SENDER SEQ DUE` (then any padding):
/// the measurement step, the sender's index, its sequence number within the
/// step, and the time the schedule said it should go. Every receiver checks
/// each sender's sequence (exactly once, in order) and measures latency from
/// `DUE`, so a sender that fell behind its schedule cannot hide delay.
final class BenchClient: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let pong = WireCodec.encode(ClientMessage.pong)
    private static let replyKey = Array("\"re\":".utf8)
    private static let textKey = Array("\"text\":\"b ".utf8)
    private static let pingType = Array("\"type\":\"ping\"".utf8)
    private static let errorType = Array("\"type\":\"error\"".utf8)
    private static let tokenKey = Array("\"token\":\"".utf8)
    private static let leftType = Array("{\"type\":\"left\"".utf8)
    private static let tooSlow = Array("\"reason\":\"too slow\"".utf8)
    private static let userKey = Array("\"user\":\"".utf8)
    /// How most message events begin (the order of JSON keys varies).
    private static let messageEvent = Array("{\"type\":\"message\"".utf8)
    private static let ircText = Array(" :b ".utf8)
    private static let ircPing = Array("PING ".utf8)
    private static let ircEndOfMotd = Array(" 376 ".utf8)
    private static let ircRefusal = Array(" 464 ".utf8)

    /// The door this connection speaks to.
    let door: BenchDoor
    /// Completed when the IRC door's welcome burst has ended.
    private var registered: EventLoopPromise<Void>?

    init(door: BenchDoor = .parley) {
        self.door = door
    }

    private let frames = FrameParser(maxFrameBytes: ProtocolConstants.defaultClientMaxFrameBytes)
    /// The start of a frame whose end has not arrived.
    private var unfinished: ByteBuffer?
    private var waiting: [UInt32: EventLoopPromise<Void>] = [:]
    private var nextID: UInt32 = 1
    private var context: ChannelHandlerContext?
    /// What arrived of the current step; made at the first step, since most
    /// connections of the login scenarios never receive a bench message.
    private(set) var receipts: Receipts?
    /// What this connection sends in the current step.
    private var schedule: Schedule?
    private var sendTimer: Scheduled<Void>?
    /// The resume token of the last welcome.
    private(set) var token: String?
    /// Users whose departure this connection saw announced as "too slow".
    private(set) var cutOffForSlowness: Set<String> = []

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Starts checking the bench messages of `step`; earlier steps' stragglers are counted apart.
    func expect(step: Int) {
        receipts = Receipts(step: step)
    }

    /// Sends requests and completes when its reply comes; an error reply fails it.
    func request(_ body: String) -> EventLoopFuture<Void> {
        let id = nextID
        nextID += 1
        let promise = context!.eventLoop.makePromise(of: Void.self)
        waiting[id] = promise
        write("{\"id\":\(id),\(body)}")
        return promise.futureResult
    }

    /// Registers at the IRC door as `name`, with echo-message and
    /// server-time as modern clients ask; completes at the end of the MOTD.
    func registerIRC(name: String) -> EventLoopFuture<Void> {
        let promise = context!.eventLoop.makePromise(of: Void.self)
        registered = promise
        let lines = ["CAP REQ :echo-message server-time", "PASS :\(name):bench-password", "NICK \(name)", "USER \(name) 0 * :\(name)", "CAP END"]
        context?.writeAndFlush(wrapOutboundOut(ByteBuffer(string: lines.map { $0 + "\r\n" }.joined())), promise: nil)
        return promise.futureResult
    }

    func hello() {
        write("{\"type\":\"hello\",\"version\":\(ProtocolConstants.version),\"client\":\"parley-bench\"}")
    }

    /// Sends `schedule`'s messages, each at its due time: a timer wakes the
    /// loop at the next one, and a late wake sends everything due since, so
    /// the load offered does not drop when the bench's loop is busy.
    func send(_ schedule: Schedule) {
        self.schedule = schedule
        sendDue()
    }

    /// The schedule's sending so far, once it is finished or when asked.
    var sending: Schedule.Progress? { schedule?.progress }

    private func sendDue() {
        guard let context, var schedule else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        var wrote = false
        while let due = schedule.nextDue, due <= now {
            let text = "b \(schedule.step) \(schedule.sender) \(schedule.progress.sent) \(due)\(schedule.padding)"
            switch door {
            case .parley:
                let id = nextID
                nextID &+= 1
                let json = "{\"type\":\"send\",\"id\":\(id),\"conversation\":\"\(schedule.conversation)\",\"text\":\"\(text)\"}"
                context.write(wrapOutboundOut(Frame.encode(kind: .json, payload: Array(json.utf8))), promise: nil)
            case .irc:
                context.write(wrapOutboundOut(ByteBuffer(string: "PRIVMSG #\(schedule.conversation) :\(text)\r\n")), promise: nil)
            }
            schedule.markSent(at: now, due: due)
            wrote = true
        }
        if wrote { context.flush() }
        self.schedule = schedule
        if let next = schedule.nextDue {
            sendTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(next)) { self.sendDue() }
        }
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
        if door == .irc {
            while let newline = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let line = bytes.readSlice(length: newline - bytes.readerIndex + 1)!
                line.withUnsafeReadableBytes { handleLine($0, at: now, context: context) }
            }
            if bytes.readableBytes > 0 { unfinished = bytes }
            return
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
            if let text = bytes.end(of: Self.textKey) { record(bytes, from: text, at: now) }
        } else if let re = bytes.end(of: Self.replyKey) {
            // Replies: setup ones complete their promise; those to sends are only acknowledgements.
            let id = UInt32(bytes.number(from: re).value)
            guard let promise = waiting.removeValue(forKey: id) else { return }
            if bytes.end(of: Self.errorType) != nil {
                promise.fail(BenchError("refused: \(String(decoding: bytes, as: UTF8.self))"))
            } else {
                if let key = bytes.end(of: Self.tokenKey) { token = bytes.string(from: key) }
                promise.succeed()
            }
        } else if let text = bytes.end(of: Self.textKey) {
            record(bytes, from: text, at: now)
        } else if bytes.starts(with: Self.leftType) {
            if bytes.end(of: Self.tooSlow) != nil, let user = bytes.end(of: Self.userKey) {
                cutOffForSlowness.insert(bytes.string(from: user))
            }
        } else if bytes.end(of: Self.pingType) != nil {
            context.writeAndFlush(wrapOutboundOut(Self.pong), promise: nil)
        }
    }

    private func handleLine(_ line: UnsafeRawBufferPointer, at now: UInt64, context: ChannelHandlerContext) {
        if let text = line.end(of: Self.ircText) {
            record(line, from: text, at: now)
        } else if line.starts(with: Self.ircPing) {
            let token = String(decoding: line[Self.ircPing.count...], as: UTF8.self)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "PONG " + token)), promise: nil)
        } else if line.end(of: Self.ircEndOfMotd) != nil {
            registered?.succeed()
            registered = nil
        } else if line.end(of: Self.ircRefusal) != nil || line.starts(with: Array("ERROR".utf8)) {
            registered?.fail(BenchError("the IRC door refused: \(String(decoding: line, as: UTF8.self))"))
            registered = nil
        }
    }

    /// Reads `STEP SENDER SEQ DUE` and checks it.
    private func record(_ bytes: UnsafeRawBufferPointer, from start: Int, at now: UInt64) {
        guard let receipts else { return }
        let step = bytes.number(from: start)
        let sender = bytes.number(from: step.end + 1)
        let sequence = bytes.number(from: sender.end + 1)
        let due = bytes.number(from: sequence.end + 1)
        receipts.record(
            step: Int(step.value), sender: Int(sender.value), sequence: Int(sequence.value),
            latency: now > due.value ? now - due.value : 0, at: now
        )
    }

    func channelInactive(context: ChannelHandlerContext) {
        for promise in waiting.values { promise.fail(BenchError("the server closed a bench connection")) }
        waiting = [:]
        registered?.fail(BenchError("the server closed a bench connection"))
        registered = nil
        sendTimer?.cancel()
    }

    /// Latencies up to a minute, to three significant digits.
    static func histogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }
}

/// One sender's messages in one step: `count` of them to `conversation`,
/// the k-th due at `start + k × interval` (uptime nanoseconds).
struct Schedule: Sendable {
    let step, sender: Int
    let conversation: String
    let start, interval: UInt64
    let count: Int
    let padding: String

    struct Progress: Sendable {
        var sent = 0
        /// When the first message left (uptime nanoseconds), if one did.
        var firstSent: UInt64?
        /// How far the sending fell behind the schedule at worst.
        var lagMax: UInt64 = 0
    }
    private(set) var progress = Progress()

    init(step: Int, sender: Int, conversation: String, start: UInt64, interval: UInt64, count: Int, padding: String) {
        (self.step, self.sender, self.conversation) = (step, sender, conversation)
        (self.start, self.interval, self.count, self.padding) = (start, interval, count, padding)
    }

    var nextDue: UInt64? { progress.sent < count ? start + UInt64(progress.sent) * interval : nil }

    mutating func markSent(at now: UInt64, due: UInt64) {
        progress.sent += 1
        if progress.firstSent == nil { progress.firstSent = now }
        progress.lagMax = max(progress.lagMax, now > due ? now - due : 0)
    }
}

/// What one connection received in one step, checked per sender: each
/// sequence number once, in order. A class, so that recording changes it in
/// place rather than a copy.
final class Receipts: @unchecked Sendable {
    let step: Int
    var latencies = BenchClient.histogram()
    /// Per sender heard from: which sequence numbers arrived, as bits, and
    /// the highest. An array changed in place, found through `slots`: a
    /// dictionary of these would copy the bits out and back on every receipt.
    private(set) var senders: [SenderReceipts] = []
    private var slots: [Int: Int] = [:]
    private(set) var duplicates = 0
    private(set) var outOfOrder = 0
    /// Bench messages of another step (stragglers of an earlier one).
    private(set) var strays = 0
    private(set) var lastReceipt: UInt64 = 0

    struct SenderReceipts {
        let sender: Int
        var seen: [UInt64] = []
        var highest = -1
        var distinct = 0
    }

    init(step: Int) {
        self.step = step
    }

    func record(step: Int, sender: Int, sequence: Int, latency: UInt64, at now: UInt64) {
        guard step == self.step else {
            strays += 1
            return
        }
        lastReceipt = now
        _ = latencies.record(latency)
        let slot = slots[sender] ?? {
            senders.append(SenderReceipts(sender: sender))
            slots[sender] = senders.count - 1
            return senders.count - 1
        }()
        switch senders[slot].record(sequence) {
        case .inOrder: break
        case .late: outOfOrder += 1
        case .duplicate: duplicates += 1
        }
    }

    /// How many distinct messages of `sender` arrived.
    func distinct(from sender: Int) -> Int { slots[sender].map { senders[$0].distinct } ?? 0 }
    var received: Int { senders.reduce(0) { $0 + $1.distinct } + duplicates }
}

extension Receipts.SenderReceipts {
    enum Outcome { case inOrder, late, duplicate }

    /// A message that arrives after one with a higher number is late, one
    /// whose number arrived before is a duplicate.
    mutating func record(_ sequence: Int) -> Outcome {
        let (word, bit) = (sequence >> 6, UInt64(1) << UInt64(sequence & 63))
        if word >= seen.count { seen.append(contentsOf: repeatElement(0, count: word - seen.count + 1)) }
        if seen[word] & bit != 0 { return .duplicate }
        seen[word] |= bit
        distinct += 1
        defer { highest = max(highest, sequence) }
        return sequence < highest ? .late : .inOrder
    }
}

/// A bench connection and the loop it lives on.
/// The bench's clients do not check the certificate: the server is its own
/// (or one given by address) and trust is not what it measures.
private let benchTLS: NIOSSLContext = {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.certificateVerification = .none
    return try! NIOSSLContext(configuration: configuration)
}()

struct BenchConnection: Sendable {
    let channel: any Channel
    let client: NIOLoopBound<BenchClient>

    /// `count` connections named PREFIX0, PREFIX1…, opened `inFlight` at a
    /// time; with `irc`, each account is registered at `endpoint` and the
    /// connection kept is to the IRC door.
    static func openMany(
        _ count: Int, prefix: String = "bench", at endpoint: Endpoint, irc: Endpoint? = nil, group: MultiThreadedEventLoopGroup,
        inFlight: Int = 50, receiveBuffer: Int? = nil
    ) async throws -> [BenchConnection] {
        try await concurrently(count, inFlight: inFlight) { n in
            guard let irc else { return try await open(at: endpoint, name: "\(prefix)\(n)", group: group, receiveBuffer: receiveBuffer) }
            let name = "\(prefix)\(n)"
            try await open(at: endpoint, name: name, group: group).channel.close()
            return try await openIRC(at: irc, name: name, group: group)
        }
    }

    /// Connects to the IRC door and registers as `name`, an account that exists.
    static func openIRC(at endpoint: Endpoint, name: String, group: MultiThreadedEventLoopGroup) async throws -> BenchConnection {
        let connection = try await connect(endpoint, door: .irc, group: group, receiveBuffer: nil)
        let client = connection.client
        try await connection.channel.eventLoop.flatSubmit { client.value.registerIRC(name: name) }.get()
        return connection
    }

    /// Connects and logs in: with a `token`, by resuming; otherwise it
    /// registers first (an existing account is fine) and logs in with the password.
    /// `receiveBuffer` fixes the socket's receive buffer (the kernel stops
    /// growing it), so that a client that stops reading is soon seen as one.
    static func open(
        at endpoint: Endpoint, name: String, token: String? = nil, group: MultiThreadedEventLoopGroup, receiveBuffer: Int? = nil
    ) async throws -> BenchConnection {
        let connection = try await connect(endpoint, door: .parley, group: group, receiveBuffer: receiveBuffer)
        if let token {
            try await connection.request("\"type\":\"resume\",\"name\":\"\(name)\",\"token\":\"\(token)\",\"take_over\":true", hello: true)
            return connection
        }
        let credentials = "\"name\":\"\(name)\",\"password\":\"bench-password\""
        _ = try? await connection.request("\"type\":\"register\",\(credentials)", hello: true)
        try await connection.request("\"type\":\"login\",\(credentials)")
        return connection
    }

    private static func connect(
        _ endpoint: Endpoint, door: BenchDoor, group: MultiThreadedEventLoopGroup, receiveBuffer: Int?
    ) async throws -> BenchConnection {
        var bootstrap = ClientBootstrap(group: group).channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let receiveBuffer { bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer)) }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if endpoint.tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: benchTLS, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(BenchClient(door: door))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port).get()
        let client = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: BenchClient.self), eventLoop: channel.eventLoop)
        }.get()
        return BenchConnection(channel: channel, client: client)
    }

    /// Sends a request (after the hello, if asked) and waits for its reply.
    func request(_ body: String, hello: Bool = false) async throws {
        let client = self.client
        try await channel.eventLoop.flatSubmit {
            if hello { client.value.hello() }
            return client.value.request(body)
        }.get()
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

    /// The decimal digits from `start`, and where they end.
    func number(from start: Int) -> (value: UInt64, end: Int) {
        var value: UInt64 = 0
        var index = start
        while index < count, (48...57).contains(self[index]) {
            value = value &* 10 &+ UInt64(self[index] - 48)
            index += 1
        }
        return (value, index)
    }

    /// The characters from `start` up to the next quote.
    func string(from start: Int) -> String {
        String(decoding: self[start...].prefix { $0 != UInt8(ascii: "\"") }, as: UTF8.self)
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
