import ArgumentParser
import Foundation
import NIOPosix
import ParleyClient
import ParleyDomain

struct Search: Scenario {
    static let configuration = CommandConfiguration(
        abstract: "M messages in the lobby: how long the first page of a search takes, for a common word and a rare one."
    )

    @OptionGroup var transport: TransportOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Messages stored before measuring (half hold the common word; one in 100,000 the rare one).")
    var messages = 1_000_000

    @Option(help: "Searches of each word, one after another.")
    var requests = 500

    func measure() async throws -> Measured {
        let server = try await BenchServer.start(nil, transport: transport, settings: TrafficOptions.settings)
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let account = try await BenchConnection.open(at: server.endpoint, name: "finder", group: group)
        try await account.channel.close()
        server.kill()

        let fillSeconds = try StoredLobby.fill(server.directory! + "/data/parley.sqlite", messages: messages, sender: "finder")
        try server.restart()
        let finder = try await BenchConnection.open(at: server.endpoint, name: "finder", group: group)
        func search(_ word: String) -> String { "\"type\":\"search\",\"text\":\"\(word)\"" }
        let common = try await StoredLobby.time(requests, on: finder) { _ in search(StoredLobby.commonWord) }
        let rare = try await StoredLobby.time(requests, on: finder) { _ in search(StoredLobby.rareWord) }
        // Two words, one common and one not in it: every hit of the first is checked.
        let none = try await StoredLobby.time(max(1, requests / 10), on: finder) { _ in search("deploy nowhere") }
        try? await finder.channel.close()
        // Fast answers count only if they are right: the hits are checked once.
        let (checker, _) = try await ParleyConnection.open(
            host: server.host, port: server.port, name: "finder", password: "bench-password", options: server.connectionOptions
        )
        let commonHits = try await checker.search(SearchQuery(StoredLobby.commonWord)).hits
        let rareHits = try await checker.search(SearchQuery(StoredLobby.rareWord, limit: 200)).hits
        let noHits = try await checker.search(SearchQuery("deploy nowhere")).hits
        await checker.close()
        let expectedRare = (0..<messages).filter { StoredLobby.body($0).contains(StoredLobby.rareWord) }.count
        guard commonHits.count == min(SearchRules.defaultPage, (messages + 1) / 2),
              commonHits.allSatisfy({ $0.message.text.contains(StoredLobby.commonWord) }),
              rareHits.count == min(200, expectedRare), noHits.isEmpty else {
            throw BenchError("search found \(commonHits.count) hits of the common word, \(rareHits.count) of the rare one "
                + "(\(expectedRare) expected) and \(noHits.count) of an absent one")
        }
        try? await group.shutdownGracefully()
        return Measured(report: SearchReport(
            messages: messages, fillSeconds: fillSeconds, rareHits: rareHits.count,
            common: LatencySummary(common), rare: LatencySummary(rare),
            absent: LatencySummary(none)
        ), settings: server.settings)
    }
}

struct SearchReport: Report {
    let scenario = "search"
    let messages: Int
    let fillSeconds: Double
    /// Messages holding the rare word (all of them fit the first page).
    let rareHits: Int
    let common, rare, absent: LatencySummary

    var title: String { "search: \(messages) messages in the lobby, first page (20 hits), round trips from request to reply" }
    var rows: [(String, String)] {
        [("filled and indexed in", "\(f(fillSeconds, 1)) s"), ("hits of the rare word", "\(rareHits)")]
            + common.rows.map { ($0.0.replacingOccurrences(of: "latency", with: "common word"), $0.1) }
            + rare.rows.map { ($0.0.replacingOccurrences(of: "latency", with: "rare word"), $0.1) }
            + absent.rows.map { ($0.0.replacingOccurrences(of: "latency", with: "common + absent word"), $0.1) }
    }
}
