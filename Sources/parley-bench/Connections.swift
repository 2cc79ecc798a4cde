import ArgumentParser
import Foundation
import NIOPosix

struct Connections: Scenario {
    static let configuration = CommandConfiguration(
        abstract: "N logged-in idle connections: the server's memory per connection and the time to log them in."
    )

    @OptionGroup var target: TargetOptions
    @OptionGroup var transport: TransportOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Connections to hold, each logged in as its own user.")
    var count = 10_000

    @Option(help: "Logins under way at once.")
    var inFlight = 200

    func measure() async throws -> Measured {
        let limit = try BenchServer.openFiles(for: count)
        let server = try await BenchServer.start(target.server, transport: transport)
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await Task.sleep(for: .milliseconds(300))
        let before = server.residentBytes
        let start = ContinuousClock.now
        let connections = try await BenchConnection.openMany(count, at: server.endpoint, group: group, inFlight: inFlight)
        let loginSeconds = (ContinuousClock.now - start).seconds
        // Let the logins' after-work (presence, delivery marks) settle.
        try await Task.sleep(for: .seconds(2))
        let after = server.residentBytes
        let report = ConnectionsReport(
            connections: connections.count, openFilesLimit: limit, loginSeconds: loginSeconds,
            serverBytesBefore: before, serverBytesAfter: after
        )
        for connection in connections { try? await connection.channel.close() }
        try? await group.shutdownGracefully()
        return Measured(report: report, settings: server.settings)
    }
}

struct ConnectionsReport: Report {
    let scenario = "connections"
    let connections, openFilesLimit: Int
    let loginSeconds: Double
    let serverBytesBefore, serverBytesAfter: Int?
    let bytesPerConnection: Int?

    init(connections: Int, openFilesLimit: Int, loginSeconds: Double, serverBytesBefore: Int?, serverBytesAfter: Int?) {
        (self.connections, self.openFilesLimit, self.loginSeconds) = (connections, openFilesLimit, loginSeconds)
        (self.serverBytesBefore, self.serverBytesAfter) = (serverBytesBefore, serverBytesAfter)
        bytesPerConnection = serverBytesAfter.flatMap { after in serverBytesBefore.map { (after - $0) / max(1, connections) } }
    }

    var title: String { "connections: \(connections) logged-in idle clients" }
    var rows: [(String, String)] {
        [
            ("open files allowed", "\(openFilesLimit) (soft limit raised to the hard one)"),
            ("logins", "\(f(loginSeconds, 2)) s (\(f(Double(connections) / loginSeconds, 0))/s)"),
            ("server memory before", serverBytesBefore.map(megabytes) ?? "n/a (server not started by the bench)"),
            ("server memory after", serverBytesAfter.map(megabytes) ?? "n/a"),
            ("per connection", bytesPerConnection.map { f(Double($0) / 1000, 1) + " kB" } ?? "n/a"),
        ]
    }
}
