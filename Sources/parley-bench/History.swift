import ArgumentParser
import Foundation
import GRDB
import Histogram
import NIOPosix

struct History: Scenario {
    static let configuration = CommandConfiguration(
        abstract: "M messages in the lobby: how long \"latest 50\" and paging back take."
    )

    @OptionGroup var transport: TransportOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Messages stored before measuring.")
    var messages = 1_000_000

    @Option(help: "Requests of each kind, one after another.")
    var requests = 2000

    func measure() async throws -> Measured {
        // Its reader asks far faster than a person may.
        let server = try BenchServer.start(nil, transport: transport, settings: TrafficOptions.settings)
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let account = try await BenchConnection.open(at: server.endpoint, name: "reader", group: group)
        try await account.channel.close()
        server.kill()

        let fillStart = ContinuousClock.now
        try fill(database: server.directory! + "/data/parley.sqlite")
        let fillSeconds = (ContinuousClock.now - fillStart).seconds
        try server.restart()
        let reader = try await BenchConnection.open(at: server.endpoint, name: "reader", group: group)

        let latest = try await time(requests, on: reader) { _ in "\"limit\":50" }
        var generator = SystemRandomNumberGenerator()
        let pages = try await time(requests, on: reader) { _ in
            "\"limit\":50,\"before\":\(Int.random(in: 51...messages, using: &generator))"
        }
        try? await reader.channel.close()
        try? await group.shutdownGracefully()
        return Measured(report: HistoryReport(messages: messages, fillSeconds: fillSeconds, latest50: LatencySummary(latest),
                      before50: LatencySummary(pages)), settings: server.settings)
    }

    /// Messages straight into the database, in one transaction: the bench
    /// measures reading history, not posting it.
    private func fill(database path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let lobby = try Int64.fetchOne(db, sql: "SELECT id FROM conversation WHERE nameKey = 'lobby'")!
            let sender = try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE nameKey = 'reader'")!
            let insert = try db.makeStatement(sql: """
                INSERT INTO message (conversationId, senderId, kind, body, createdAt) VALUES (?, ?, 'text', ?, ?)
                """)
            let start = Int64(Date().timeIntervalSince1970 * 1000) - Int64(messages)
            for n in 0..<messages {
                try insert.execute(arguments: [lobby, sender, "history message \(n), about as long as a line of chat", start + Int64(n)])
            }
        }
    }

    private func time(
        _ count: Int, on connection: BenchConnection, _ page: @escaping (Int) -> String
    ) async throws -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        for n in 0..<count {
            let body = "\"type\":\"history\",\"conversation\":\"lobby\"," + page(n)
            let start = ContinuousClock.now
            try await connection.channel.eventLoop.flatSubmit { connection.client.value.request(body) }.get()
            _ = histogram.record(UInt64((ContinuousClock.now - start).seconds * 1e9))
        }
        return histogram
    }
}

struct HistoryReport: Report {
    let scenario = "history"
    let messages: Int
    let fillSeconds: Double
    let latest50, before50: LatencySummary

    var title: String { "history: \(messages) messages in the lobby, round trips from request to reply" }
    var rows: [(String, String)] {
        [("filled in", "\(f(fillSeconds, 1)) s")]
            + latest50.rows.map { ($0.0.replacingOccurrences(of: "latency", with: "latest 50"), $0.1) }
            + before50.rows.map { ($0.0.replacingOccurrences(of: "latency", with: "50 before an id"), $0.1) }
    }
}
