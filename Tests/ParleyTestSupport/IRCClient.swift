import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import ParleyIRC
import Synchronization

/// A line-by-line IRC connection to the door, for tests: sends what a test
/// writes and keeps every line the server sends, parsed.
public final class IRCClient: Sendable {
    private let channel: any Channel
    private let inbox: LineInbox
    /// Lines already matched by `next`: each wait looks past them.
    private let cursor = Mutex(0)

    public static func connect(port: Int, tls: Bool = true) async throws -> IRCClient {
        let inbox = LineInbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tls {
                        var configuration = TLSConfiguration.makeClientConfiguration()
                        configuration.certificateVerification = .none
                        let context = try NIOSSLContext(configuration: configuration)
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(InboxHandler(inbox: inbox))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return IRCClient(channel: channel, inbox: inbox)
    }

    /// Connects and registers with SASL PLAIN, asking for `capabilities`
    /// besides `sasl`; returns once the welcome burst has ended with the
    /// names of the account's `rooms` (the lobby alone for a new one).
    public static func logIn(
        port: Int, name: String, password: String = "correct horse", capabilities: [String] = [], nick: String? = nil, rooms: Int = 1
    ) async throws -> IRCClient {
        let client = try await connect(port: port)
        try await client.send("CAP LS 302")
        try await client.send("NICK \(nick ?? name)")
        try await client.send("USER \(name) 0 * :\(name)")
        try await client.send("CAP REQ :" + (["sasl"] + capabilities).joined(separator: " "))
        _ = try await client.next("CAP ACK") { $0.command == "CAP" && $0.parameters.dropFirst().first == "ACK" }
        try await client.send("AUTHENTICATE PLAIN")
        _ = try await client.next("AUTHENTICATE +") { $0.command == "AUTHENTICATE" }
        try await client.send("AUTHENTICATE " + Data("\(name)\0\(name)\0\(password)".utf8).base64EncodedString())
        _ = try await client.next("903") { $0.command == "903" }
        try await client.send("CAP END")
        _ = try await client.next("end of MOTD") { $0.command == "376" }
        for _ in 0..<rooms { _ = try await client.next("a room's names") { $0.command == "366" } }
        return client
    }

    private init(channel: any Channel, inbox: LineInbox) {
        self.channel = channel
        self.inbox = inbox
    }

    public func send(_ line: String) async throws {
        try await send(bytes: Array((line + "\r\n").utf8))
    }

    public func send(bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Every line received, parsed (a line that does not parse is kept as
    /// a command `UNPARSED` with the text as its parameter).
    public var lines: [IRCMessage] { inbox.lines }
    public var isClosed: Bool { inbox.closed }

    /// The first line after those already matched that `match` accepts;
    /// the lines up to it count as matched.
    public func next(_ description: String, timeout: Duration = .seconds(30), _ match: (IRCMessage) -> Bool) async throws -> IRCMessage {
        let deadline = ContinuousClock.now + timeout
        while true {
            let start = cursor.withLock { $0 }
            let all = lines
            if start < all.count, let index = all[start...].firstIndex(where: match) {
                cursor.withLock { $0 = index + 1 }
                return all[index]
            }
            guard ContinuousClock.now < deadline else {
                throw TimedOut(waitingFor: description + "; after: " + all[min(start, all.count)...].map(\.line).joined())
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The next line with this command (a numeric or a word).
    public func next(_ command: String, timeout: Duration = .seconds(30)) async throws -> IRCMessage {
        try await next(command, timeout: timeout) { $0.command == command }
    }

    /// The lines after the last matched one, up to and including the first
    /// that `end` accepts.
    public func lines(until description: String, _ end: (IRCMessage) -> Bool) async throws -> [IRCMessage] {
        let start = cursor.withLock { $0 }
        _ = try await next(description, end)
        let stop = cursor.withLock { $0 }
        return Array(lines[start..<stop])
    }

    public func waitUntilClosed(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isClosed {
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: "the server to close the connection") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    public func close() async {
        try? await channel.close()
    }
}

private final class LineInbox: ReceivingInbox {
    private struct State {
        var pending: [UInt8] = []
        var lines: [IRCMessage] = []
        var closed = false
    }

    private let state = Mutex(State())

    var lines: [IRCMessage] { state.withLock { $0.lines } }
    var closed: Bool { state.withLock { $0.closed } }

    func receive(_ bytes: ByteBuffer) {
        state.withLock { state in
            state.pending += bytes.readableBytesView
            while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(state.pending[..<newline])
                state.pending.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                let text = String(decoding: line, as: UTF8.self)
                // What the server sends is checked whole: no 512-byte rule on tags' behalf.
                let parsed = (try? IRCMessage.parse(Substring(text))) ?? IRCMessage("UNPARSED", [text])
                state.lines.append(parsed)
            }
        }
    }

    func markClosed() {
        state.withLock { $0.closed = true }
    }
}
