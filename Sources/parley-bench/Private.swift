import ArgumentParser
import Foundation
import NIOPosix

struct Private: Scenario {
    static let configuration = CommandConfiguration(
        abstract: "P pairs of friends chatting privately, R messages a second in all for D seconds: every delivery checked, CPU per message."
    )

    @OptionGroup var target: TargetOptions
    @OptionGroup var transport: TransportOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var traffic: TrafficOptions

    @Option(help: "Pairs of friends; both of each pair send to the other.")
    var pairs = 500

    func validate() throws {
        guard pairs >= 1 else { throw ValidationError("--pairs must be at least 1") }
    }

    func measure() async throws -> Measured {
        let clients = 2 * pairs
        try BenchServer.openFiles(for: clients)
        let server = try await BenchServer.start(target.server, transport: transport, settings: TrafficOptions.settings)
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: traffic.threads)
        defer { group.shutdownGracefully { _ in } }
        let loginStart = ContinuousClock.now
        let connections = try await BenchConnection.openMany(clients, prefix: "pair", at: server.endpoint, group: group)
        defer { for connection in connections { connection.channel.close(promise: nil) } }
        let loginSeconds = (ContinuousClock.now - loginStart).seconds
        _ = try await concurrently(pairs, inFlight: 50) { k in
            try await connections[2 * k].request("\"type\":\"friend_request\",\"name\":\"pair\(2 * k + 1)\"")
            try await connections[2 * k + 1].request("\"type\":\"friend_accept\",\"name\":\"pair\(2 * k)\"")
        }
        // Friends' presence settles before anything is measured.
        try await Task.sleep(for: .milliseconds(500))
        let senders = (0..<clients).map { n in
            let partner = n ^ 1
            return Traffic.Sender(connection: n, conversation: "@pair\(partner)", audience: [n, partner])
        }
        let run = Traffic(connections: connections, senders: senders, server: server, padding: traffic.paddingText)
        let figures = try await run.measure(step: 0, rate: traffic.rate, duration: traffic.duration, p99BoundMs: traffic.p99BoundMs)
        let report = FanoutReport(scenario: "private", shape: "\(pairs) pairs of friends, both of each pair sending",
                                  clients: clients, senders: clients, loginSeconds: loginSeconds, figures: figures)
        return Measured(report: report, settings: server.settings)
    }
}
