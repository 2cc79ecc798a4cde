import Foundation
import ParleyTestSupport
import Testing

/// The bench counts right: what it reports is what arrived. (Its speed
/// figures are for docs/BENCHMARKS.md, never asserted here.)
@Suite struct BenchTests {
    @Test func aSmallFanoutAccountsForEveryDelivery() throws {
        let process = Process()
        process.executableURL = buildProductsDirectory.appendingPathComponent("parley-bench")
        process.arguments = ["fanout", "--clients", "6", "--senders", "2", "--rate", "40", "--duration", "1", "--json"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        let sent = try #require(report["sent"] as? Int)
        let received = try #require(report["received"] as? Int)
        let latency = try #require(report["latency"] as? [String: Any])
        #expect(sent > 0)
        #expect(report["expected"] as? Int == sent * 6, "every client is in the lobby, the senders too")
        #expect(received == sent * 6, "nothing lost")
        #expect(latency["count"] as? Int == received, "one latency per delivery")
        #expect((report["server_cpu_seconds"] as? Double ?? 0) > 0, "the server it started was measured")
    }
}
