import Foundation
import ParleyTestSupport
import Testing

/// The bench counts right: what it reports is what happened. (Its speed
/// figures are for docs/BENCHMARKS.md, never asserted here.) One at a time:
/// each starts a server and many clients, and the tmux tests beside them
/// need the CPU to log in on time.
@Suite(.serialized) struct BenchTests {
    /// Runs `parley-bench ARGUMENTS --json` and returns its report.
    func bench(_ arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = buildProductsDirectory.appendingPathComponent("parley-bench")
        process.arguments = arguments + ["--json"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
    }

    @Test func aSmallFanoutAccountsForEveryDeliveryBesideReadersThatNeverRead() throws {
        let report = try bench(["fanout", "--clients", "6", "--senders", "2", "--rate", "40", "--duration", "1", "--slow-readers", "2"])
        let sent = try #require(report["sent"] as? Int)
        let received = try #require(report["received"] as? Int)
        let latency = try #require(report["latency"] as? [String: Any])
        #expect(sent > 0)
        #expect(report["expected"] as? Int == sent * 6, "every client is in the lobby, the senders too")
        #expect(received == sent * 6, "nothing lost, slow readers or not")
        #expect(latency["count"] as? Int == received, "one latency per delivery")
        #expect((report["server_cpu_seconds"] as? Double ?? 0) > 0, "the server it started was measured")
        #expect(report["slow_readers"] as? Int == 2)
        #expect((report["server_peak_bytes"] as? Int ?? 0) > 0)
    }

    @Test func maxStepsUpTheRate() throws {
        let report = try bench(["fanout", "--clients", "4", "--senders", "2", "--rate", "20", "--duration", "0.5",
                                "--max", "--step", "2", "--max-steps", "3", "--p99-bound-ms", "60000"])
        let steps = try #require(report["steps"] as? [[String: Any]])
        #expect(steps.compactMap { $0["rate"] as? Double } == [20, 40, 80])
        let held = try #require(report["held"] as? [String: Any])
        #expect(held["rate"] as? Double == 80)
    }

    @Test func connectionsHoldsThemAllAndWeighsThem() throws {
        let report = try bench(["connections", "--count", "20"])
        #expect(report["connections"] as? Int == 20)
        #expect((report["open_files_limit"] as? Int ?? 0) >= 1024)
        #expect((report["server_bytes_after"] as? Int ?? 0) > 0)
        #expect(report["bytes_per_connection"] is Int)
    }

    @Test func aReconnectStormBringsEveryoneBack() throws {
        let report = try bench(["reconnect", "--clients", "20"])
        let back = try #require(report["logged_in_after_restart"] as? [String: Any])
        #expect(back["count"] as? Int == 20, "every client resumed")
        #expect((report["seconds_until_all_logged_in"] as? Double ?? 0) > 0)
    }

    @Test func historyTimesEveryRequest() throws {
        let report = try bench(["history", "--messages", "3000", "--requests", "15"])
        #expect(report["messages"] as? Int == 3000)
        #expect((report["latest50"] as? [String: Any])?["count"] as? Int == 15)
        #expect((report["before50"] as? [String: Any])?["count"] as? Int == 15)
    }

    @Test func filesMovesTheWholeFileBothWays() throws {
        let report = try bench(["files", "--mebibytes", "3"])
        #expect(report["bytes"] as? Int == 3 << 20)
        #expect((report["upload_mb_per_second"] as? Double ?? 0) > 0)
        #expect((report["download_mb_per_second"] as? Double ?? 0) > 0)
        #expect(report["server_growth_bytes"] is Int)
    }
}
