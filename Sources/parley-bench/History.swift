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
        let server = try await BenchServer.start(nil, transport: transport, settings: TrafficOptions.settings)
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let account = try await BenchConnection.open(at: server.endpoint, name: "reader", group: group)
        try await account.channel.close()
        server.kill()

        let fillSeconds = try StoredLobby.fill(server.directory! + "/data/parley.sqlite", messages: messages, sender: "reader")
        try server.restart()
        let reader = try await BenchConnection.open(at: server.endpoint, name: "reader", group: group)

        let history = "\"type\":\"history\",\"conversation\":\"lobby\","
        let latest = try await StoredLobby.time(requests, on: reader) { _ in history + "\"limit\":50" }
        var generator = SystemRandomNumberGenerator()
        let pages = try await StoredLobby.time(requests, on: reader) { _ in
            history + "\"limit\":50,\"before\":\(Int.random(in: 51...messages, using: &generator))"
        }
        try? await reader.channel.close()
        try? await group.shutdownGracefully()
        return Measured(report: HistoryReport(messages: messages, fillSeconds: fillSeconds, latest50: LatencySummary(latest),
                      before50: LatencySummary(pages)), settings: server.settings)
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

/// A lobby of many messages written straight into the database, and the
/// round trips of requests against it: what the history and search
/// scenarios share.
enum StoredLobby {
    /// Every `rareEvery`-th message holds the rare word; every other one
    /// the common word.
    static let commonWord = "deploy", rareWord = "zanzibar", rareEvery = 100_000

    static func body(_ n: Int) -> String {
        let topic = n % rareEvery == rareEvery / 2 ? rareWord : n % 2 == 0 ? commonWord : "lunch"
        return "message \(n) about the \(topic), about as long as a line of chat"
    }

    /// Messages from `sender` in one transaction (the bench measures
    /// reading, not posting); returns the seconds it took.
    static func fill(_ path: String, messages: Int, sender name: String) throws -> Double {
        let start = ContinuousClock.now
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let lobby = try Int64.fetchOne(db, sql: "SELECT id FROM conversation WHERE nameKey = 'lobby'")!
            let sender = try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE nameKey = ?", arguments: [name])!
            let insert = try db.makeStatement(sql: """
                INSERT INTO message (conversationId, senderId, kind, body, createdAt) VALUES (?, ?, 'text', ?, ?)
                """)
            let first = Int64(Date().timeIntervalSince1970 * 1000) - Int64(messages)
            for n in 0..<messages {
                try insert.execute(arguments: [lobby, sender, body(n), first + Int64(n)])
            }
        }
        try queue.close()
        return (ContinuousClock.now - start).seconds
    }

    /// `count` requests one after another; the round trip of each.
    static func time(
        _ count: Int, on connection: BenchConnection, _ request: @escaping (Int) -> String
    ) async throws -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        for n in 0..<count {
            let body = request(n)
            let start = ContinuousClock.now
            try await connection.channel.eventLoop.flatSubmit { connection.client.value.request(body) }.get()
            _ = histogram.record(UInt64((ContinuousClock.now - start).seconds * 1e9))
        }
        return histogram
    }
}
