import ArgumentParser
import Foundation
import Histogram
import NIOPosix

struct Reconnect: Scenario {
    static let configuration = CommandConfiguration(
        abstract: "A reconnect storm: N clients log in, the server is killed (SIGKILL) and restarted, and all resume with their tokens."
    )

    @OptionGroup var transport: TransportOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Clients that lose the server and come back.")
    var clients = 10_000

    @Option(help: "Reconnects under way at once.")
    var inFlight = 1000

    func measure() async throws -> Measured {
        try BenchServer.openFiles(for: clients)
        let server = try await BenchServer.start(nil, transport: transport)
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let first = try await BenchConnection.openMany(clients, at: server.endpoint, group: group, inFlight: 200)
        var tokens: [String] = []
        for connection in first {
            guard let token = try await connection.onLoop({ $0.token }) else { throw BenchError("a welcome without a resume token") }
            tokens.append(token)
        }
        server.kill()
        for connection in first { try? await connection.channel.close() }

        let restart = ContinuousClock.now
        try server.restart()
        let listening = (ContinuousClock.now - restart).seconds
        let endpoint = server.endpoint
        // Everyone stays connected until all are back, as after a real outage.
        let back = try await concurrently(clients, inFlight: inFlight) { [tokens] n in
            let connection = try await BenchConnection.open(at: endpoint, name: "bench\(n)", token: tokens[n], group: group)
            return ((ContinuousClock.now - restart).seconds, connection)
        }
        let latencies = back.map(\.0)
        let allIn = latencies.max() ?? 0
        for (_, connection) in back { try? await connection.channel.close() }
        var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
        for seconds in latencies { _ = histogram.record(UInt64(seconds * 1e9)) }
        try? await group.shutdownGracefully()
        return Measured(report: ReconnectReport(
            clients: clients, secondsUntilListening: listening, secondsUntilAllLoggedIn: allIn,
            loggedInAfterRestart: LatencySummary(histogram)
        ), settings: server.settings)
    }
}

struct ReconnectReport: Report {
    let scenario = "reconnect"
    let clients: Int
    let secondsUntilListening, secondsUntilAllLoggedIn: Double
    /// When each client was back, counted from the restart.
    let loggedInAfterRestart: LatencySummary

    var title: String { "reconnect: \(clients) clients resume after the server is killed and restarted" }
    var rows: [(String, String)] {
        [
            ("server listening after", "\(f(secondsUntilListening, 2)) s"),
            ("all logged in after", "\(f(secondsUntilAllLoggedIn, 2)) s"),
        ] + loggedInAfterRestart.rows.map { ($0.0.replacingOccurrences(of: "latency", with: "back after"), $0.1) }
    }
}
