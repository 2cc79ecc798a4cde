import Foundation
import ParleyTestSupport
import Testing

/// The bench counts right: what it reports is what happened. (Its speed
/// figures are for docs/BENCHMARKS.md, never asserted here.) One at a time:
/// each starts a server and many clients, and the tmux tests beside them
/// need the CPU to log in on time.
@Suite(.serialized) struct BenchTests {
    /// Runs `parley-bench ARGUMENTS --json` and returns its report; with
    /// `throughPath`, as `parley-bench` found through PATH from elsewhere.
    func bench(_ arguments: [String], throughPath: Bool = false) async throws -> [String: Any] {
        let process = Process()
        if throughPath {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["parley-bench"] + arguments + ["--json"]
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = buildProductsDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            process.environment = environment
            process.currentDirectoryURL = FileManager.default.temporaryDirectory
        } else {
            process.executableURL = buildProductsDirectory.appendingPathComponent("parley-bench")
            process.arguments = arguments + ["--json"]
        }
        let output = Pipe()
        process.standardOutput = output
        let reader = PipeReader(output)
        try process.run()
        try await process.exit(within: .seconds(300))
        #expect(process.terminationStatus == 0)
        let text = try await reader.text(within: .seconds(10))
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    /// The checks every chat scenario's figures must pass: each delivery
    /// accounted for, latencies one per delivery, the server measured.
    func expectEveryDeliveryChecked(_ figures: [String: Any], sent expectedSent: Int, audience: Int) throws {
        let sent = try #require(figures["sent"] as? Int)
        #expect(sent == expectedSent, "the schedule's messages were all sent")
        #expect(figures["expected"] as? Int == sent * audience)
        #expect(figures["received"] as? Int == sent * audience, "nothing lost")
        #expect(figures["missing"] as? Int == 0)
        #expect(figures["duplicates"] as? Int == 0)
        #expect(figures["out_of_order"] as? Int == 0)
        #expect(figures["misdelivered"] as? Int == 0)
        #expect(figures["held"] as? Bool == true)
        let latency = try #require(figures["latency"] as? [String: Any])
        #expect(latency["count"] as? Int == sent * audience, "one latency per delivery")
        #expect((figures["deliveries_per_second"] as? Double ?? 0) > 0)
        #expect(figures["send_lag_max_ms"] is Double || figures["send_lag_max_ms"] is Int)
        #expect((figures["server_cpu_seconds"] as? Double ?? 0) > 0, "the server it started was measured")
    }

    /// Speed is not asserted here: a debug server beside the rest of the
    /// suite is slow, so the chat scenarios run with a p99 bound of a minute
    /// and `held` speaks of the checks alone.
    static let anyLatency = ["--p99-bound-ms", "60000"]

    @Test func aFanoutOnPostgreSQLChecksEveryDeliveryOnAnEmptiedDatabase() async throws {
        let url = try await PostgresCluster.shared().newDatabase()
        let arguments = ["fanout", "--clients", "6", "--senders", "2", "--rate", "40", "--duration", "1", "--database-url", url, "--runs", "2"]
        let report = try await bench(arguments + Self.anyLatency)
        // Two runs on one database: the second found it emptied (its
        // accounts could be registered again).
        #expect(report["runs"] as? Int == 2)
        let each = try #require(report["each"] as? [[String: Any]])
        #expect(each.count == 2)
        for run in each { try expectEveryDeliveryChecked(try #require(run["figures"] as? [String: Any]), sent: 40, audience: 6) }
        let settings = try #require(report["server_settings"] as? [String: Any])
        #expect((settings["database_url"] as? String)?.contains("127.0.0.1") == true)
    }

    @Test func aSmallFanoutChecksEveryDeliveryAndNamesItsSettings() async throws {
        let report = try await bench(["fanout", "--clients", "6", "--senders", "2", "--rate", "40", "--duration", "1"] + Self.anyLatency)
        try expectEveryDeliveryChecked(try #require(report["figures"] as? [String: Any]), sent: 40, audience: 6)
        let settings = try #require(report["server_settings"] as? [String: String])
        #expect(settings["password_hash.log_n"] == "10")
        #expect(settings["limits.rate_per_second"] != nil)
        #expect(settings["limits.max_outbound_bytes"] == nil, "the production default unless asked")
    }

    @Test func theSameFanoutThroughTheIRCDoorChecksEveryDelivery() async throws {
        let report = try await bench(["fanout", "--door", "irc", "--clients", "6", "--senders", "2", "--rate", "40", "--duration", "1"] + Self.anyLatency)
        #expect(report["scenario"] as? String == "fanout-irc")
        // Each client asked for echo-message: a sender hears its own, as on the Parley door.
        try expectEveryDeliveryChecked(try #require(report["figures"] as? [String: Any]), sent: 40, audience: 6)
    }

    @Test func slowReadersAreCountedOnlyWhenCutOffForBeingSlow() async throws {
        // 9.6 MB of 4 kB messages to readers that never read (a debug server
        // encrypting for the whole suite must get them past the kernel): past a 64 kB
        // outbound limit and the kernel's socket buffers. (Whether the
        // readers that read got everything is the other tests' business: a
        // debug server beside the whole suite may still be sending when the
        // bench stops waiting.)
        let report = try await bench(["fanout", "--clients", "3", "--senders", "1", "--rate", "300", "--duration", "8",
                                "--padding", "3900", "--slow-readers", "2", "--max-outbound-bytes", "65536"] + Self.anyLatency)
        let figures = try #require(report["figures"] as? [String: Any])
        #expect(figures["sent"] as? Int == 2400)
        for check in ["duplicates", "out_of_order", "misdelivered"] { #expect(figures[check] as? Int == 0, "\(check)") }
        let slow = try #require(report["slow_readers"] as? [String: Any])
        #expect(slow["count"] as? Int == 2)
        #expect(slow["cut_off_for_slowness"] as? Int == 2)
        #expect((slow["server_peak_bytes"] as? Int ?? 0) > 0)
        #expect(slow["held"] as? Bool == true)
    }

    @Test func roomsAndPrivateChatsAreCheckedPerConversation() async throws {
        let rooms = try await bench(["fanout", "--clients", "9", "--rooms", "3", "--rate", "30", "--duration", "1"] + Self.anyLatency)
        #expect(rooms["senders"] as? Int == 3)
        try expectEveryDeliveryChecked(try #require(rooms["figures"] as? [String: Any]), sent: 30, audience: 3)
        let pairs = try await bench(["private", "--pairs", "3", "--rate", "30", "--duration", "1"] + Self.anyLatency)
        let figures = try #require(pairs["figures"] as? [String: Any])
        try expectEveryDeliveryChecked(figures, sent: 30, audience: 2)
        #expect((figures["server_microseconds_per_message"] as? Double ?? 0) > 0)
    }

    @Test func runsReportsMediansAndWorksThroughPath() async throws {
        let report = try await bench(["fanout", "--clients", "3", "--senders", "1", "--rate", "20", "--duration", "0.5", "--runs", "3"] + Self.anyLatency,
                                     throughPath: true)
        #expect(report["runs"] as? Int == 3)
        let each = try #require(report["each"] as? [[String: Any]])
        #expect(each.count == 3)
        let median = try #require(report["median"] as? [String: Any])
        let p99s = try each.map { try #require(($0["figures"] as? [String: Any])?["latency"] as? [String: Any])["p99"] as? Double ?? -1 }
        #expect(median["figures.latency.p99"] as? Double == p99s.sorted()[1], "the middle of three")
        #expect((report["runs_with_flag"] as? [String: Any])?["figures.held"] as? Int == 3)
    }

    @Test func maxStepsUpTheRate() async throws {
        let report = try await bench(["fanout", "--clients", "4", "--senders", "2", "--rate", "20", "--duration", "0.5",
                                "--max", "--step", "2", "--max-steps", "3", "--p99-bound-ms", "60000"])
        let steps = try #require(report["steps"] as? [[String: Any]])
        #expect(steps.compactMap { $0["rate"] as? Double } == [20, 40, 80])
        #expect(steps.allSatisfy { $0["held"] as? Bool == true })
        let held = try #require(report["held"] as? [String: Any])
        #expect(held["rate"] as? Double == 80)
    }

    @Test func connectionsHoldsThemAllAndWeighsThem() async throws {
        let report = try await bench(["connections", "--count", "20"])
        #expect(report["connections"] as? Int == 20)
        #expect((report["open_files_limit"] as? Int ?? 0) >= 1024)
        #expect((report["server_bytes_after"] as? Int ?? 0) > 0)
        #expect(report["bytes_per_connection"] is Int)
    }

    @Test func aReconnectStormBringsEveryoneBack() async throws {
        let report = try await bench(["reconnect", "--clients", "20"])
        let back = try #require(report["logged_in_after_restart"] as? [String: Any])
        #expect(back["count"] as? Int == 20, "every client resumed")
        #expect((report["seconds_until_all_logged_in"] as? Double ?? 0) > 0)
    }

    @Test func historyTimesEveryRequest() async throws {
        let report = try await bench(["history", "--messages", "3000", "--requests", "15"])
        #expect(report["messages"] as? Int == 3000)
        #expect((report["latest50"] as? [String: Any])?["count"] as? Int == 15)
        #expect((report["before50"] as? [String: Any])?["count"] as? Int == 15)
    }

    /// The bench checks the hits themselves, so a fast wrong answer fails it.
    @Test func searchTimesBothWordsAndItsHitsAreRight() async throws {
        let report = try await bench(["search", "--messages", "60000", "--requests", "5"])
        #expect(report["messages"] as? Int == 60000)
        #expect(report["rare_hits"] as? Int == 1, "one in 100,000, the first the 50,000th")
        for key in ["common", "rare", "absent"] {
            #expect(((report[key] as? [String: Any])?["count"] as? Int ?? 0) > 0, "\(key)")
        }
    }

    @Test func filesMovesTheWholeFileBothWays() async throws {
        let report = try await bench(["files", "--mebibytes", "3"])
        #expect(report["bytes"] as? Int == 3 << 20)
        #expect((report["upload_mb_per_second"] as? Double ?? 0) > 0)
        #expect((report["download_mb_per_second"] as? Double ?? 0) > 0)
        #expect(report["server_growth_bytes"] is Int)
    }
}
