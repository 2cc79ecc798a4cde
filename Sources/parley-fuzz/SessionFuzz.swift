import Foundation
import Logging
import NIOCore
import NIOEmbedded
import ParleyDomain
import ParleyWire
import ParleyServer

/// One fuzzing input, fed as a client's bytes into a real session: the
/// server's own pipeline (heartbeat, framing, the session) on a testing
/// channel, with the services and a real SQLite store in a temporary
/// directory behind it, at the production limits (the rate limit too).
/// The first byte sets how the rest is cut into reads and, with its high
/// bit, whether the session is first greeted and logged in (so that inputs
/// need not spend their bytes on it). A frame of kind 255 is not sent: it
/// makes the harness wait until everything before it is answered, as a
/// client waits for `upload_ready` before its file's bytes. A crash, a
/// broken precondition or a frame from the server that does not decode is a
/// finding.
enum SessionFuzz {
    /// One server for the whole run: starting one per input would spend the
    /// fuzzer's time on migrations.
    nonisolated(unsafe) private static var server: ParleyServer?
    private static let greeting: [UInt8] = {
        var bytes: [UInt8] = []
        for message in [
            ClientMessage.hello(ClientHello(client: "fuzz")),
            .request(id: 0, .register(name: "fuzzer", password: "fuzzer password")),
            .request(id: 0, .logIn(name: "fuzzer", password: "fuzzer password", takeOver: true)),
        ] {
            bytes += Array(WireCodec.encode(message).readableBytesView)
        }
        return bytes
    }()

    static func run(_ bytes: UnsafeRawBufferPointer) {
        _ = messages(for: bytes)
    }

    /// What the server said to the input: for libFuzzer's synchronous callback.
    static func messages(for bytes: UnsafeRawBufferPointer) -> [ServerMessage] {
        let input = Array(bytes)
        let said = Said()
        blocking { said.messages = await messages(for: input) }
        return said.messages
    }

    /// What the server said to the input (the replay test awaits it: a test
    /// that blocked a thread of the cooperative pool could starve the work
    /// it waits for).
    static func messages(for input: [UInt8]) async -> [ServerMessage] {
        guard let first = input.first else { return [] }
        return await feed(Array(input.dropFirst()), step: Int(first % 64) + 1, greet: first & 0x80 != 0)
    }

    private final class Said: @unchecked Sendable {
        var messages: [ServerMessage] = []
    }

    private static func feed(_ input: [UInt8], step: Int, greet: Bool) async -> [ServerMessage] {
        let server = await started()
        let channel = NIOAsyncTestingChannel()
        var output = ByteBuffer()
        do {
            try await channel.testingEventLoop.submit { try server.addSession(to: channel) }.get()
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
            var sent: [UInt8] = []
            for part in parts((greet ? greeting : []) + input) {
                var start = 0
                while start < part.count {
                    let end = min(start + step, part.count)
                    try await channel.writeInbound(ByteBuffer(bytes: part[start..<end]))
                    start = end
                    try await collect(channel, into: &output)
                }
                sent += part
                // The requests run in tasks off the loop: let them finish.
                try await settle(channel, answers: answers(to: sent), into: &output)
            }
        } catch {
            // The channel refused bytes after closing: the session ended the connection.
        }
        _ = try? await channel.close()
        await channel.testingEventLoop.run()
        return decoded(output)
    }

    static let pause: UInt8 = 255

    /// The input cut at its pauses (whole frames of kind 255), which go.
    private static func parts(_ stream: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = [[]]
        var index = 0
        while index < stream.count {
            if index + 5 <= stream.count, stream[index..<index + 5].elementsEqual([0, 0, 0, 1, pause]) {
                parts.append([])
                index += 5
            } else {
                parts[parts.count - 1].append(stream[index])
                index += 1
            }
        }
        return parts
    }

    /// Waits until the session has answered every message of the input (or
    /// closed), then until it has written nothing new for a moment, for the
    /// events that follow (an upload's end): at most three seconds in all.
    private static func settle(_ channel: NIOAsyncTestingChannel, answers expected: Int, into output: inout ByteBuffer) async throws {
        let deadline = ContinuousClock.now + .seconds(3)
        var quiet = 0
        while ContinuousClock.now < deadline {
            await channel.testingEventLoop.run()
            let before = output.readableBytes
            try await collect(channel, into: &output)
            quiet = output.readableBytes == before ? quiet + 1 : 0
            let answered = decoded(output).count { message in
                switch message {
                case .reply, .event(.error), .event(.closing): true
                default: false
                }
            }
            if (answered >= expected || !channel.isActive) && quiet >= 2 { return }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// How many replies and error events the session owes `stream`: one for
    /// every message frame but the first hello and pongs, until the framing
    /// breaks or the version is refused (which close the connection).
    private static func answers(to stream: [UInt8]) -> Int {
        var buffer = ByteBuffer(bytes: stream)
        let parser = FrameParser(maxFrameBytes: ProtocolConstants.defaultServerMaxFrameBytes)
        var count = 0
        var greeted = false
        while let frame = try? parser.nextFrame(from: &buffer) {
            if Chunk(frame) != nil { continue }
            switch WireCodec.decodeClientMessage(frame) {
            case .success(.hello(let hello)) where !greeted:
                guard hello.version == ProtocolConstants.version else { return count + 1 }
                greeted = true
            case .success(.pong): break
            default: count += 1
            }
        }
        return count
    }

    private static func collect(_ channel: NIOAsyncTestingChannel, into output: inout ByteBuffer) async throws {
        while var buffer = try await channel.readOutbound(as: ByteBuffer.self) { output.writeBuffer(&buffer) }
    }

    /// Everything the server wrote must be whole frames of file bytes or of
    /// messages a client can decode.
    private static func decoded(_ output: ByteBuffer) -> [ServerMessage] {
        var output = output
        var messages: [ServerMessage] = []
        let parser = FrameParser(maxFrameBytes: ProtocolConstants.defaultClientMaxFrameBytes)
        while let frame = try! parser.nextFrame(from: &output) {
            if Chunk(frame) != nil { continue }
            switch Result(catching: { try WireCodec.decodeServerMessage(frame) }) {
            case .success(let message): messages.append(message)
            case .failure(let error): preconditionFailure("the server wrote a frame no client can decode: \(error)")
            }
        }
        precondition(output.readableBytes == 0, "the server wrote half a frame")
        return messages
    }

    private static func started() async -> ParleyServer {
        if let server { return server }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-fuzz-\(UUID().uuidString)").path
        var configuration = ServerConfiguration(dataDirectory: directory)
        configuration.port = 0
        configuration.passwordCost = .init(logN: 10, blockSize: 8, parallelism: 1)
        // Every input's channel has no address; they would share one cap.
        configuration.maxConnectionsPerAddress = configuration.maxConnections
        configuration.registrationsPerAddressPerHour = 1_000_000
        var logger = Logger(label: "parley-fuzz")
        logger.logLevel = .critical
        let started = try! await ParleyServer.start(configuration, logger: logger)
        server = started
        return started
    }

    /// Runs async work to its end from the fuzzer's synchronous callback.
    private static func blocking(_ work: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        done.wait()
    }
}
