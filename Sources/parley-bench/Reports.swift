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
}

struct FanoutReport: Encodable {
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
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    var table: String {
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        let serverCPU = serverCPUSeconds.map { f($0, 2) + " s" } ?? "n/a (server not started by the bench)"
        let perDelivery = serverMicrosPerDelivery.map { f($0, 2) + " µs" } ?? "n/a"
        let busiest = serverCPUSeconds.map { $0 > benchCPUSeconds ? "the server" : "the bench" } ?? "unknown"
        return """
            fanout: \(clients) clients in the lobby, \(senders) senders, \(f(rate, 0)) messages/s for \(f(duration, 0)) s
            logins                  \(f(loginSeconds, 2)) s for \(clients) clients
            messages sent           \(sent)
            deliveries expected     \(expected)
            deliveries received     \(received)
            deliveries per second   \(f(deliveriesPerSecond, 0))
            latency p50             \(f(latency.p50, 2)) ms
            latency p90             \(f(latency.p90, 2)) ms
            latency p99             \(f(latency.p99, 2)) ms
            latency p99.9           \(f(latency.p999, 2)) ms
            latency max             \(f(latency.max, 2)) ms
            server CPU              \(serverCPU)
            bench CPU               \(f(benchCPUSeconds, 2)) s
            server CPU per delivery \(perDelivery)
            busier process          \(busiest)
            """
    }
}
