import Foundation
import Histogram
import NIOCore

/// The shape of a chat measurement: logged-in connections, which of them
/// send to which conversation, and which connections must receive each
/// sender's messages. One shape serves the lobby, many small rooms and
/// private chats alike.
struct Traffic {
    struct Sender {
        /// Index into `connections`.
        let connection: Int
        let conversation: String
        /// The connections that must get each of its messages, itself included.
        let audience: Set<Int>
    }

    let connections: [BenchConnection]
    let senders: [Sender]
    let server: BenchServer
    /// Characters after each message's marks, to make it longer.
    let padding: String

    /// Sends `rate` messages a second in all for `duration` seconds, each
    /// sender on its own schedule (spread over the senders, not in bursts),
    /// then waits for every delivery (or as long again plus five seconds)
    /// and checks each receiver's sequences.
    func measure(step: Int, rate: Double, duration: Double, p99BoundMs: Double) async throws -> TrafficFigures {
        for connection in connections { try await connection.onLoop { $0.expect(step: step) } }
        let serverCPU = server.cpuSeconds
        let benchCPU = CPUTime.ownSeconds
        let perSender = rate / Double(senders.count)
        let interval = UInt64(1e9 / perSender)
        let count = max(1, Int(perSender * duration))
        let start = NIODeadline.now().uptimeNanoseconds + 20_000_000
        for (index, sender) in senders.enumerated() {
            let schedule = Schedule(
                step: step, sender: index, conversation: sender.conversation,
                start: start + interval * UInt64(index) / UInt64(senders.count), interval: interval, count: count, padding: padding
            )
            try await connections[sender.connection].onLoop { $0.send(schedule) }
        }
        try await Task.sleep(for: .seconds(duration))
        let expected = senders.reduce(0) { $0 + count * $1.audience.count }
        let deadline = ContinuousClock.now + .seconds(duration + 5)
        var progress: [Schedule.Progress] = []
        while true {
            progress = try await senders.asyncMap { sender in try await connections[sender.connection].onLoop { $0.sending! } }
            let received = try await connections.asyncMap { connection in try await connection.onLoop { $0.receipts?.received ?? 0 } }
            let done = progress.allSatisfy { $0.sent == count } && received.reduce(0, +) >= expected
            if done || ContinuousClock.now > deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let serverSpent = server.cpuSeconds.flatMap { now in serverCPU.map { now - $0 } }
        let benchSpent = CPUTime.ownSeconds - benchCPU
        let receipts = try await connections.asyncMap { connection in try await connection.onLoop { ReceiptsSnapshot($0.receipts!) } }
        return TrafficFigures(
            senders: senders, progress: progress, receipts: receipts, rate: rate, duration: duration,
            serverCPUSeconds: serverSpent, benchCPUSeconds: benchSpent, p99BoundMs: p99BoundMs
        )
    }
}

/// What one connection received, copied off its loop.
struct ReceiptsSnapshot: Sendable {
    let distinct: [Int: Int]
    let duplicates, outOfOrder, strays, received: Int
    let lastReceipt: UInt64
    let latencies: Histogram<UInt64>

    init(_ receipts: Receipts) {
        distinct = Dictionary(uniqueKeysWithValues: receipts.senders.map { ($0.sender, $0.distinct) })
        (duplicates, outOfOrder, strays, received) = (receipts.duplicates, receipts.outOfOrder, receipts.strays, receipts.received)
        lastReceipt = receipts.lastReceipt
        latencies = receipts.latencies
    }
}

/// One measurement of a `Traffic`: every message accounted for.
struct TrafficFigures: Encodable {
    /// Messages per second offered, all senders together.
    let rate, duration: Double
    /// Deliveries per second offered: the rate times each message's audience.
    let offeredDeliveriesPerSecond: Double
    let sent, expected, received: Int
    /// Deliveries that should have come and did not.
    let missing: Int
    /// A sender's message that reached one receiver twice.
    let duplicates: Int
    /// A sender's message that reached a receiver after a later one of the same sender.
    let outOfOrder: Int
    /// Messages that reached a connection not in their conversation.
    let misdelivered: Int
    /// Messages of an earlier step that arrived during this one (late
    /// stragglers of a `--max` step that was not held); not counted above.
    let strays: Int
    /// Deliveries divided by the time from the first send to the last receipt.
    let deliveriesPerSecond: Double
    /// Latency from the moment the schedule said a message should go.
    let latency: LatencySummary
    /// How far the bench's own sending fell behind its schedule, at worst.
    let sendLagMaxMs: Double
    let serverCPUSeconds: Double?
    let benchCPUSeconds: Double
    let serverMicrosecondsPerDelivery: Double?
    let serverMicrosecondsPerMessage: Double?
    let p99BoundMs: Double
    /// Nothing missing, twice, out of order or misdelivered, and p99 under the bound.
    let held: Bool

    init(senders: [Traffic.Sender], progress: [Schedule.Progress], receipts: [ReceiptsSnapshot], rate: Double, duration: Double,
         serverCPUSeconds: Double?, benchCPUSeconds: Double, p99BoundMs: Double) {
        (self.rate, self.duration, self.p99BoundMs) = (rate, duration, p99BoundMs)
        (self.serverCPUSeconds, self.benchCPUSeconds) = (serverCPUSeconds, benchCPUSeconds)
        let audience = senders.map(\.audience)
        offeredDeliveriesPerSecond = rate * Double(audience.reduce(0) { $0 + $1.count }) / Double(max(1, senders.count))
        let sentPerSender = progress.map(\.sent)
        sent = sentPerSender.reduce(0, +)
        expected = zip(sentPerSender, audience).reduce(0) { $0 + $1.0 * $1.1.count }
        received = receipts.reduce(0) { $0 + $1.received }
        var delivered = 0, misdelivered = 0
        for (receiver, got) in receipts.enumerated() {
            for (sender, count) in got.distinct {
                if sender < audience.count, audience[sender].contains(receiver) { delivered += count } else { misdelivered += count }
            }
        }
        missing = expected - delivered
        self.misdelivered = misdelivered
        duplicates = receipts.reduce(0) { $0 + $1.duplicates }
        outOfOrder = receipts.reduce(0) { $0 + $1.outOfOrder }
        strays = receipts.reduce(0) { $0 + $1.strays }
        var latencies = BenchClient.histogram()
        for got in receipts { latencies.add(got.latencies) }
        latency = LatencySummary(latencies)
        sendLagMaxMs = Double(progress.map(\.lagMax).max() ?? 0) / 1e6
        let firstSent = progress.compactMap(\.firstSent).min() ?? 0
        let lastReceipt = receipts.map(\.lastReceipt).max() ?? 0
        deliveriesPerSecond = lastReceipt > firstSent ? Double(delivered) / (Double(lastReceipt - firstSent) / 1e9) : 0
        let (received, sent) = (self.received, self.sent)
        serverMicrosecondsPerDelivery = serverCPUSeconds.map { received > 0 ? $0 / Double(received) * 1e6 : 0 }
        serverMicrosecondsPerMessage = serverCPUSeconds.map { sent > 0 ? $0 / Double(sent) * 1e6 : 0 }
        held = missing == 0 && duplicates == 0 && outOfOrder == 0 && misdelivered == 0 && latency.p99 <= p99BoundMs
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
