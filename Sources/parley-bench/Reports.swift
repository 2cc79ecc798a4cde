import Foundation
import Histogram

/// Latency percentiles in milliseconds.
struct LatencySummary: Encodable {
    let p50, p90, p99, p999, max: Double
    let count: UInt64

    init(_ histogram: Histogram<UInt64>) {
        func ms(_ nanos: UInt64) -> Double { (Double(nanos) / 1e4).rounded() / 100 }
        p50 = ms(histogram.valueAtPercentile(50))
        p90 = ms(histogram.valueAtPercentile(90))
        p99 = ms(histogram.valueAtPercentile(99))
        p999 = ms(histogram.valueAtPercentile(99.9))
        max = ms(histogram.max)
        count = histogram.totalCount
    }

    var rows: [(String, String)] {
        [("latency p50", "\(f(p50, 2)) ms"), ("latency p90", "\(f(p90, 2)) ms"), ("latency p99", "\(f(p99, 2)) ms"),
         ("latency p99.9", "\(f(p999, 2)) ms"), ("latency max", "\(f(max, 2)) ms")]
    }
}

struct FanoutReport: Report {
    let scenario = "fanout"
    let clients, senders: Int
    let rate, duration, loginSeconds: Double
    let sent: Int
    let expected, received: Int
    let deliveriesPerSecond: Double
    let latency: LatencySummary
    /// Nil for a server given by address, whose CPU the bench cannot read.
    let serverCPUSeconds: Double?
    let benchCPUSeconds: Double
    let serverMicrosPerDelivery: Double?
    /// Clients that never read, and how many of them the server cut off.
    var slowReaders: Int?
    var slowReadersCutOff: Int?
    var serverPeakBytes: Int?

    init(clients: Int, senders: Int, rate: Double, duration: Double, loginSeconds: Double, sent: Int, expected: Int,
         received: Int, deliveriesPerSecond: Double, latency: LatencySummary, serverCPUSeconds: Double?, benchCPUSeconds: Double) {
        (self.clients, self.senders, self.rate, self.duration, self.loginSeconds) = (clients, senders, rate, duration, loginSeconds)
        (self.sent, self.expected, self.received, self.deliveriesPerSecond) = (sent, expected, received, deliveriesPerSecond)
        (self.latency, self.serverCPUSeconds, self.benchCPUSeconds) = (latency, serverCPUSeconds, benchCPUSeconds)
        serverMicrosPerDelivery = serverCPUSeconds.map { received > 0 ? $0 / Double(received) * 1e6 : 0 }
    }

    enum CodingKeys: String, CodingKey {
        case scenario, clients, senders, rate, duration, loginSeconds, sent, expected, received, deliveriesPerSecond, latency
        case serverCPUSeconds = "serverCpuSeconds", benchCPUSeconds = "benchCpuSeconds", serverMicrosPerDelivery = "serverUsPerDelivery"
        case slowReaders, slowReadersCutOff, serverPeakBytes
    }

    var title: String {
        "fanout: \(clients) clients in the lobby, \(senders) senders, \(f(rate, 0)) messages/s for \(f(duration, 0)) s"
    }

    var rows: [(String, String)] {
        [
            ("logins", "\(f(loginSeconds, 2)) s for \(clients) clients"),
            ("messages sent", "\(sent)"),
            ("deliveries expected", "\(expected)"),
            ("deliveries received", "\(received)"),
            ("deliveries per second", f(deliveriesPerSecond, 0)),
        ] + latency.rows + [
            ("server CPU", serverCPUSeconds.map { f($0, 2) + " s" } ?? "n/a (server not started by the bench)"),
            ("bench CPU", "\(f(benchCPUSeconds, 2)) s"),
            ("server CPU per delivery", serverMicrosPerDelivery.map { f($0, 2) + " µs" } ?? "n/a"),
            ("busier process", serverCPUSeconds.map { $0 > benchCPUSeconds ? "the server" : "the bench" } ?? "unknown"),
        ] + (slowReaders.map { [("slow readers cut off", "\(slowReadersCutOff ?? 0) of \($0)")] } ?? [])
          + (serverPeakBytes.map { [("server peak memory", megabytes($0))] } ?? [])
    }
}

/// `fanout --max`: every step, and the highest rate whose p99 stayed under the bound.
struct MaxReport: Report {
    let scenario = "fanout-max"
    let p99BoundMs: Double
    let steps: [FanoutReport]
    let held: FanoutReport?

    init(p99BoundMs: Double, steps: [FanoutReport]) {
        (self.p99BoundMs, self.steps) = (p99BoundMs, steps)
        held = steps.last { $0.latency.p99 <= p99BoundMs && $0.received == $0.expected }
    }

    var title: String { "fanout --max: the highest rate with p99 under \(f(p99BoundMs, 0)) ms and nothing lost" }
    var rows: [(String, String)] {
        steps.map { step in
            ("\(f(step.rate, 0)) msg/s", "\(f(step.deliveriesPerSecond, 0)) deliveries/s, p99 \(f(step.latency.p99, 1)) ms, "
                + "\(step.serverMicrosPerDelivery.map { f($0, 2) } ?? "n/a") µs/delivery, server \(step.serverCPUSeconds.map { f($0, 1) } ?? "n/a") s "
                + "vs bench \(f(step.benchCPUSeconds, 1)) s CPU")
        } + [("held", held.map { "\(f($0.deliveriesPerSecond, 0)) deliveries/s (\(f($0.rate, 0)) msg/s)" } ?? "none")]
    }
}

/// What every scenario prints: a titled table, or one JSON object with
/// snake_case keys.
protocol Report: Encodable {
    var title: String { get }
    var rows: [(String, String)] { get }
}

extension Report {
    var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    var table: String {
        let width = rows.map(\.0.count).max() ?? 0
        return ([title] + rows.map { $0.0.padding(toLength: width + 1, withPad: " ", startingAt: 0) + $0.1 })
            .joined(separator: "\n")
    }

    func print(json: Bool) {
        Swift.print(json ? self.json : table)
    }
}

func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// Bytes as MB (10^6), the way the targets are written.
func megabytes(_ bytes: Int) -> String { f(Double(bytes) / 1e6, 1) + " MB" }
