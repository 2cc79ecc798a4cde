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

    @Option(help: "Messages per second, all senders together.")
    var rate = 1000.0

    @Option(help: "Seconds of sending.")
    var duration = 10.0

    @Option(help: "Event-loop threads of the bench.")
    var threads = 1

    func validate() throws {
        guard clients >= 1, (1...clients).contains(senders) else { throw ValidationError("need 1 ≤ senders ≤ clients") }
        guard rate > 0, duration > 0 else { throw ValidationError("rate and duration must be positive") }
    }

    func run() async throws {
        let server = try BenchServer.start(target.server)
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var connections: [BenchConnection] = []
        let loginStart = ContinuousClock.now
        for batch in stride(from: 0, to: clients, by: 50) {
            try await withThrowingTaskGroup(of: BenchConnection.self) { tasks in
                for n in batch..<min(batch + 50, clients) {
                    tasks.addTask { try await BenchConnection.open(host: server.host, port: server.port, name: "bench\(n)", group: group) }
                }
                for try await connection in tasks { connections.append(connection) }
            }
        }
        let loginSeconds = (ContinuousClock.now - loginStart).seconds
        // Joins and logins of the others are done before anything is measured.
        try await Task.sleep(for: .milliseconds(500))
        let received = try await total(connections) { $0.received }

        let serverCPU = server.cpuSeconds
        let benchCPU = CPUTime.ownSeconds
        let perSender = rate / Double(senders)
        let start = ContinuousClock.now
        let sending = connections.prefix(senders).map { connection in
            let client = connection.client
            return connection.channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(10)) { _ in
                let elapsed = min((ContinuousClock.now - start).seconds, duration)
                client.value.sendMessages(upTo: Int(perSender * elapsed))
            }
        }
        try await Task.sleep(for: .seconds(duration))
        for task in sending { task.cancel() }
        let sent = try await total(Array(connections.prefix(senders))) { $0.sent }
        let expected = sent * clients
        // Stragglers: wait until everything arrived, or five quiet seconds.
        var got = 0
        let deadline = ContinuousClock.now + .seconds(duration + 5)
        while ContinuousClock.now < deadline {
            got = try await total(connections) { $0.received } - received
            if got >= expected { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let elapsed = duration
        let serverSpent = server.cpuSeconds.flatMap { now in serverCPU.map { now - $0 } }
        let benchSpent = CPUTime.ownSeconds - benchCPU
        var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        for connection in connections {
            latencies.add(try await connection.onLoop { $0.latencies })
        }
        for connection in connections { try? await connection.channel.close() }
        try? await group.shutdownGracefully()

        let report = FanoutReport(
            clients: clients, senders: senders, rate: rate, duration: duration, loginSeconds: loginSeconds,
            sent: sent, expected: expected, received: got, deliveriesPerSecond: Double(got) / elapsed,
            latency: LatencySummary(latencies), serverCPUSeconds: serverSpent, benchCPUSeconds: benchSpent
        )
        print(target.json ? report.json : report.table)
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
