import ArgumentParser
import Foundation
import NIOPosix
import ParleyDomain

/// The options of every chat scenario.
struct TrafficOptions: ParsableArguments {
    @Option(help: "Messages per second, all senders together (with --max, the first rate tried).")
    var rate = 1000.0

    @Option(help: "Seconds of sending (with --max, of each step).")
    var duration = 10.0

    @Option(help: "Event-loop threads of the bench.")
    var threads = 1

    @Option(help: "Characters added to each message (the bench's own marks are about 40 bytes of text).")
    var padding = 0

    @Option(help: "The p99 latency, in milliseconds, a run (or a --max step) must stay under to be held.")
    var p99BoundMs = 100.0

    func validate() throws {
        guard rate > 0, duration > 0 else { throw ValidationError("rate and duration must be positive") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    var paddingText: String { padding > 0 ? " " + String(repeating: "x", count: padding - 1) : "" }

    /// The bench's senders send far faster than one person may.
    static let settings = ["limits.rate_burst": "1000000", "limits.rate_per_second": "1000000"]
}

struct Fanout: Scenario {
    static let configuration = CommandConfiguration(
        abstract: "C clients in the lobby (or in N rooms), S of them sending R messages a second in all for D seconds: every delivery checked, latency, CPU."
    )

    @OptionGroup var target: TargetOptions
    @OptionGroup var transport: TransportOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var traffic: TrafficOptions

    @Option(help: "Clients logged in, all in the lobby.")
    var clients = 500

    @Option(help: "The door the clients come through: parley, or irc (the same workload as IRC lines; each client asks for echo-message and server-time).")
    var door = BenchDoor.parley

    @Option(help: "How many of them send to the lobby (ignored with --rooms).")
    var senders = 20

    @Option(help: "With N > 0: client i is also in room i mod N and each room's first member sends to it, so every room is busy and there are N senders.")
    var rooms = 0

    @Flag(help: "Raise the rate step by step until a step is not held (p99 over --p99-bound-ms, or a delivery missing, twice or out of order); report the highest rate held.")
    var max = false

    @Option(help: "With --max: each step's rate is the last one's times this.")
    var step = 1.25

    @Option(help: "With --max: at most this many steps.")
    var maxSteps = 30

    @Option(help: "Extra clients that log in and then never read, to show they do not slow the others.")
    var slowReaders = 0

    @Option(help: "The started server's max_outbound_bytes (default: the production default).")
    var maxOutboundBytes: Int?

    @Option(help: "With --slow-readers: the server's peak memory, in MB, that the run must stay under to be held.")
    var peakMemoryBoundMb = 200.0

    func validate() throws {
        guard clients >= 1, rooms > 0 || (1...clients).contains(senders) else { throw ValidationError("need 1 ≤ senders ≤ clients") }
        guard (0...clients).contains(rooms) else { throw ValidationError("need 0 ≤ rooms ≤ clients") }
        guard step > 1 else { throw ValidationError("--step must be more than 1") }
        guard door == .parley || (rooms == 0 && slowReaders == 0 && target.server == nil) else {
            throw ValidationError("--door irc runs the lobby shape on a server the bench starts (no --rooms, --slow-readers or --server)")
        }
    }

    func measure() async throws -> Measured {
        var settings = TrafficOptions.settings
        if let maxOutboundBytes {
            settings["limits.max_outbound_bytes"] = "\(maxOutboundBytes)"
            // A reply may take at most a quarter of the outbound queue.
            settings["limits.max_reply_bytes"] = "\(min(ServerLimits().maxReplyBytes, maxOutboundBytes / 4))"
        }
        try BenchServer.openFiles(for: clients + slowReaders)
        let server = try await BenchServer.start(target.server, transport: transport, settings: settings)
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: traffic.threads)
        defer { group.shutdownGracefully { _ in } }
        let loginStart = ContinuousClock.now
        let connections = try await BenchConnection.openMany(
            clients, at: server.endpoint, irc: door == .irc ? server.ircEndpoint : nil, group: group
        )
        defer { for connection in connections { connection.channel.close(promise: nil) } }
        let loginSeconds = (ContinuousClock.now - loginStart).seconds
        let plan = rooms > 0 ? try await roomSenders(connections) : (0..<senders).map {
            Traffic.Sender(connection: $0, conversation: "lobby", audience: Set(0..<clients))
        }
        let slow = try await openSlowReaders(observer: connections[0], server: server, group: group)
        defer { for connection in slow { connection.channel.close(promise: nil) } }
        // Presence of the logins and joins settles before anything is measured.
        try await Task.sleep(for: .milliseconds(500))
        let run = Traffic(connections: connections, senders: plan, server: server, padding: traffic.paddingText)

        if max {
            var steps: [TrafficFigures] = []
            var current = traffic.rate
            while steps.count < maxSteps {
                let figures = try await run.measure(step: steps.count, rate: current, duration: traffic.duration, p99BoundMs: traffic.p99BoundMs)
                steps.append(figures)
                guard figures.held else { break }
                current *= step
            }
            return Measured(report: MaxReport(shape: shape, steps: steps), settings: server.settings)
        }
        let figures = try await run.measure(step: 0, rate: traffic.rate, duration: traffic.duration, p99BoundMs: traffic.p99BoundMs)
        var report = FanoutReport(scenario: rooms > 0 ? "fanout-rooms" : door == .irc ? "fanout-irc" : "fanout", shape: shape, clients: clients,
                                  senders: plan.count, loginSeconds: loginSeconds, figures: figures)
        if slowReaders > 0 {
            report.slowReaders = SlowReaders(
                count: slowReaders, cutOffForSlowness: try await cutOff(slow, observer: connections[0]),
                serverPeakBytes: server.peakResidentBytes, peakBoundBytes: Int(peakMemoryBoundMb * 1e6)
            )
        }
        return Measured(report: report, settings: server.settings)
    }

    private var shape: String {
        rooms > 0
            ? "\(clients) clients in \(rooms) rooms of \(clients / rooms)\(clients % rooms == 0 ? "" : "+"), one sender in each"
            : "\(clients) clients in the lobby, \(senders) senders"
    }

    /// Client i joins room i mod N; each room's first member creates it and sends to it.
    private func roomSenders(_ connections: [BenchConnection]) async throws -> [Traffic.Sender] {
        _ = try await concurrently(rooms, inFlight: 50) { k in
            try await connections[k].request("\"type\":\"room_create\",\"name\":\"room\(k)\"")
        }
        _ = try await concurrently(clients - rooms, inFlight: 50) { n in
            let member = rooms + n
            try await connections[member].request("\"type\":\"room_join\",\"name\":\"room\(member % rooms)\"")
        }
        return (0..<rooms).map { k in
            Traffic.Sender(connection: k, conversation: "room\(k)", audience: Set(stride(from: k, to: clients, by: rooms)))
        }
    }

    /// Clients that never read. They and `observer` share a small room, where
    /// the server announces each one's departure with its reason.
    private func openSlowReaders(observer: BenchConnection, server: BenchServer, group: MultiThreadedEventLoopGroup) async throws -> [BenchConnection] {
        guard slowReaders > 0 else { return [] }
        try await observer.request("\"type\":\"room_create\",\"name\":\"slow-readers\"")
        let slow = try await BenchConnection.openMany(
            slowReaders, prefix: "slow", at: server.endpoint, group: group, receiveBuffer: 4096
        )
        for connection in slow {
            try await connection.request("\"type\":\"room_join\",\"name\":\"slow-readers\"")
            try await connection.channel.setOption(.autoRead, value: false).get()
        }
        return slow
    }

    /// How many slow readers the server closed for being too slow, as their
    /// departures say: not any closed socket. A socket that is not read does
    /// not notice its end, so they read again first.
    private func cutOff(_ slow: [BenchConnection], observer: BenchConnection) async throws -> Int {
        for connection in slow { try await connection.channel.setOption(.autoRead, value: true).get() }
        let names = Set((0..<slow.count).map { "slow\($0)" })
        let deadline = ContinuousClock.now + .seconds(10)
        var seen: Set<String> = []
        while ContinuousClock.now < deadline {
            seen = try await observer.onLoop { $0.cutOffForSlowness }.intersection(names)
            if seen.count == names.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return seen.count
    }
}

struct SlowReaders: Encodable {
    let count: Int
    /// Those whose departure the server announced as "too slow".
    let cutOffForSlowness: Int
    let serverPeakBytes: Int?
    let peakBoundBytes: Int
    var held: Bool { cutOffForSlowness == count && (serverPeakBytes ?? 0) < peakBoundBytes }

    enum CodingKeys: String, CodingKey { case count, cutOffForSlowness, serverPeakBytes, peakBoundBytes, held }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(cutOffForSlowness, forKey: .cutOffForSlowness)
        try container.encodeIfPresent(serverPeakBytes, forKey: .serverPeakBytes)
        try container.encode(peakBoundBytes, forKey: .peakBoundBytes)
        try container.encode(held, forKey: .held)
    }
}

struct FanoutReport: Report {
    let scenario: String
    let shape: String
    let clients, senders: Int
    let loginSeconds: Double
    let figures: TrafficFigures
    var slowReaders: SlowReaders?

    var title: String { "\(scenario): \(shape), \(f(figures.rate, 0)) messages/s for \(f(figures.duration, 0)) s" }

    var rows: [(String, String)] {
        [("logins", "\(f(loginSeconds, 2)) s for \(clients) clients")] + figures.rows
            + (slowReaders.map { slow in
                [("slow readers cut off as too slow", "\(slow.cutOffForSlowness) of \(slow.count)"),
                 ("server peak memory", (slow.serverPeakBytes.map(megabytes) ?? "n/a") + " (bound \(megabytes(slow.peakBoundBytes)))"),
                 ("slow readers held", slow.held ? "yes" : "NO")]
            } ?? [])
    }
}

extension TrafficFigures {
    var rows: [(String, String)] {
        [
            ("messages sent", "\(sent) (offered \(f(rate, 0))/s)"),
            ("deliveries expected", "\(expected) (offered \(f(offeredDeliveriesPerSecond, 0))/s)"),
            ("deliveries received", "\(received)"),
            ("missing / duplicates / out of order", "\(missing) / \(duplicates) / \(outOfOrder)"),
            ("misdelivered", "\(misdelivered)"),
            ("late from an earlier step", "\(strays)"),
            ("deliveries per second", "\(f(deliveriesPerSecond, 0)) (first send to last receipt)"),
        ] + latency.rows + [
            ("bench's send lag, max", "\(f(sendLagMaxMs, 2)) ms behind its schedule"),
            ("server CPU", serverCPUSeconds.map { f($0, 2) + " s" } ?? "n/a (server not started by the bench)"),
            ("bench CPU", "\(f(benchCPUSeconds, 2)) s"),
            ("server CPU per message", serverMicrosecondsPerMessage.map { f($0, 2) + " µs" } ?? "n/a"),
            ("server CPU per delivery", serverMicrosecondsPerDelivery.map { f($0, 2) + " µs" } ?? "n/a"),
            ("busier process", serverCPUSeconds.map { $0 > benchCPUSeconds ? "the server" : "the bench" } ?? "unknown"),
            ("held", held ? "yes (nothing lost, twice or out of order; p99 under \(f(p99BoundMs, 0)) ms)" : "NO"),
        ]
    }
}

/// `fanout --max`: every step, and the highest rate held.
struct MaxReport: Report {
    let scenario = "fanout-max"
    let shape: String
    let steps: [TrafficFigures]
    let held: TrafficFigures?

    init(shape: String, steps: [TrafficFigures]) {
        (self.shape, self.steps) = (shape, steps)
        held = steps.last { $0.held }
    }

    var title: String {
        "fanout --max: \(shape); the highest rate with nothing lost, twice or out of order and p99 under \(f(steps.first?.p99BoundMs ?? 0, 0)) ms"
    }

    var rows: [(String, String)] {
        let stepRows = steps.map { step -> (String, String) in
            let cpu = step.serverMicrosecondsPerDelivery.map { f($0, 2) } ?? "n/a"
            let checks = "missing \(step.missing), duplicates \(step.duplicates), out of order \(step.outOfOrder)"
            let figures = "\(f(step.deliveriesPerSecond, 0)) deliveries/s, p99 \(f(step.latency.p99, 1)) ms, \(checks), "
                + "\(cpu) µs/delivery, send lag \(f(step.sendLagMaxMs, 1)) ms"
            return ("\(f(step.rate, 0)) msg/s", figures + (step.held ? "" : " — not held"))
        }
        let best = held.map { "\(f($0.deliveriesPerSecond, 0)) deliveries/s (\(f($0.rate, 0)) msg/s)" } ?? "none"
        return stepRows + [("held", best)]
    }
}
