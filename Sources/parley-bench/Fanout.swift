import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix

struct Fanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "C clients in the lobby, S of them sending R messages a second in all for D seconds: deliveries, latency, CPU."
    )

    @OptionGroup var target: TargetOptions

    @Option(help: "Clients logged in, all in the lobby.")
    var clients = 500

    @Option(help: "How many of them send.")
    var senders = 20

    @Option(help: "Messages per second, all senders together (with --max, the first rate tried).")
    var rate = 1000.0

    @Option(help: "Seconds of sending (with --max, of each step).")
    var duration = 10.0

    @Option(help: "Event-loop threads of the bench.")
    var threads = 1

    @Flag(help: "Raise the rate step by step until p99 passes --p99-bound-ms or deliveries fall short; report the highest rate held.")
    var max = false

    @Option(help: "With --max: the p99 latency, in milliseconds, a step must stay under.")
    var p99BoundMs = 100.0

    @Option(help: "With --max: each step's rate is the last one's times this.")
    var step = 1.25

    @Option(help: "With --max: at most this many steps.")
    var maxSteps = 30

    @Option(help: "Characters added to each message (the bench's own are about 30 bytes of text).")
    var padding = 0

    @Option(help: "Extra clients that log in and then never read, to show they do not slow the others.")
    var slowReaders = 0

    @Option(help: "The started server's max_outbound_bytes: how far a reader may fall behind before it is cut off.")
    var maxOutboundBytes = 64 * 1024 * 1024

    func validate() throws {
        guard clients >= 1, (1...clients).contains(senders) else { throw ValidationError("need 1 ≤ senders ≤ clients") }
        guard rate > 0, duration > 0 else { throw ValidationError("rate and duration must be positive") }
        guard step > 1 else { throw ValidationError("--step must be more than 1") }
    }

    func run() async throws {
        try BenchServer.openFiles(for: clients + slowReaders)
        let server = try BenchServer.start(target.server, limits: "max_outbound_bytes = \(maxOutboundBytes)")
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let loginStart = ContinuousClock.now
        let connections = try await BenchConnection.openMany(clients, host: server.host, port: server.port, group: group)
        let loginSeconds = (ContinuousClock.now - loginStart).seconds
        let slow = try await BenchConnection.openMany(
            slowReaders, prefix: "slow", host: server.host, port: server.port, group: group, receiveBuffer: 4096
        )
        for connection in slow { try await connection.channel.setOption(.autoRead, value: false).get() }
        // Joins and logins of the others are done before anything is measured.
        try await Task.sleep(for: .milliseconds(500))
        let run = FanoutRun(connections: connections, senders: senders, server: server,
                            padding: padding > 0 ? " " + String(repeating: "x", count: padding - 1) : "")

        if max {
            var steps: [FanoutReport] = []
            var current = rate
            while steps.count < maxSteps {
                let report = try await run.measure(rate: current, duration: duration, loginSeconds: loginSeconds)
                steps.append(report)
                guard report.latency.p99 <= p99BoundMs, report.received == report.expected else { break }
                current *= step
                try await Task.sleep(for: .seconds(1))
            }
            MaxReport(p99BoundMs: p99BoundMs, steps: steps).print(json: target.json)
        } else {
            var report = try await run.measure(rate: rate, duration: duration, loginSeconds: loginSeconds)
            if slowReaders > 0 {
                report.slowReaders = slowReaders
                report.slowReadersCutOff = try await cutOff(slow)
            }
            report.serverPeakBytes = server.peakResidentBytes
            report.print(json: target.json)
        }
        for connection in connections + slow { try? await connection.channel.close() }
        try? await group.shutdownGracefully()
    }
}

/// How many of the slow readers the server closed. A socket that is not
/// read does not notice its end, so they read again for a moment first.
private func cutOff(_ slow: [BenchConnection]) async throws -> Int {
    for connection in slow { try await connection.channel.setOption(.autoRead, value: true).get() }
    let deadline = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < deadline, slow.contains(where: \.channel.isActive) {
        try await Task.sleep(for: .milliseconds(50))
    }
    return slow.count { !$0.channel.isActive }
}

/// The logged-in clients of a fanout, measured at one rate after another.
struct FanoutRun {
    let connections: [BenchConnection]
    let senders: Int
    let server: BenchServer
    let padding: String

    func measure(rate: Double, duration: Double, loginSeconds: Double) async throws -> FanoutReport {
        let before = try await total(connections) { $0.received }
        var bases: [Int] = []
        for connection in connections.prefix(senders) { bases.append(try await connection.onLoop { $0.sent }) }
        let sentBefore = bases.reduce(0, +)
        for connection in connections { try await connection.onLoop { $0.resetLatencies() } }
        let serverCPU = server.cpuSeconds
        let benchCPU = CPUTime.ownSeconds
        let perSender = rate / Double(senders)
        let start = ContinuousClock.now
        // Each sender ticks every 10 ms, the senders spread over those 10 ms,
        // so that the load is the rate asked for rather than bursts of all at once.
        let tick: Int64 = 10_000_000
        let sending = zip(connections.prefix(senders), bases).enumerated().map { index, pair in
            let (connection, base) = pair
            let client = connection.client
            let offset = TimeAmount.nanoseconds(tick * Int64(index) / Int64(senders))
            return connection.channel.eventLoop.scheduleRepeatedTask(initialDelay: offset, delay: .nanoseconds(tick)) { _ in
                let elapsed = min((ContinuousClock.now - start).seconds, duration)
                client.value.sendMessages(upTo: base + Int(perSender * elapsed), padding: padding)
            }
        }
        try await Task.sleep(for: .seconds(duration))
        for task in sending { task.cancel() }
        let sent = try await total(Array(connections.prefix(senders))) { $0.sent } - sentBefore
        let expected = sent * connections.count
        // Stragglers: wait until everything arrived, or as long again plus five seconds.
        var got = 0
        let deadline = ContinuousClock.now + .seconds(duration + 5)
        while ContinuousClock.now < deadline {
            got = try await total(connections) { $0.received } - before
            if got >= expected { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let serverSpent = server.cpuSeconds.flatMap { now in serverCPU.map { now - $0 } }
        let benchSpent = CPUTime.ownSeconds - benchCPU
        var latencies = BenchClient.histogram()
        for connection in connections {
            if let received = try await connection.onLoop({ $0.latencies }) { latencies.add(received) }
        }
        return FanoutReport(
            clients: connections.count, senders: senders, rate: rate, duration: duration, loginSeconds: loginSeconds,
            sent: sent, expected: expected, received: got, deliveriesPerSecond: Double(got) / duration,
            latency: LatencySummary(latencies), serverCPUSeconds: serverSpent, benchCPUSeconds: benchSpent
        )
    }

    private func total(_ connections: [BenchConnection], _ count: @escaping @Sendable (BenchClient) -> Int) async throws -> Int {
        var sum = 0
        for connection in connections { sum += try await connection.onLoop(count) }
        return sum
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
