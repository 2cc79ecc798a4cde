@testable import parley_bench
import Testing

/// The bench's own checks, fed receipts by hand: a duplicate, a late
/// message, a stray of another step and a gap are each counted as what
/// they are, and a missing delivery cannot hide behind a duplicate.
struct BenchCheckTests {
    @Test func eachSendersSequenceIsCheckedForDuplicatesOrderAndGaps() {
        let receipts = Receipts(step: 1)
        for sequence in [0, 1, 3, 2, 3, 5] {
            receipts.record(step: 1, sender: 7, sequence: sequence, latency: 1_000_000, at: 10)
        }
        receipts.record(step: 0, sender: 7, sequence: 4, latency: 1, at: 11)
        receipts.record(step: 1, sender: 8, sequence: 0, latency: 1, at: 12)
        #expect(receipts.duplicates == 1, "3 came twice")
        #expect(receipts.outOfOrder == 1, "2 came after 3")
        #expect(receipts.strays == 1, "a message of step 0")
        #expect(receipts.distinct(from: 7) == 5, "0, 1, 2, 3 and 5: 4 is missing")
        #expect(receipts.distinct(from: 8) == 1)
        #expect(receipts.received == 7, "raw receipts of this step, the duplicate included")
        #expect(receipts.latencies.totalCount == 7)
        #expect(receipts.lastReceipt == 12)
    }

    @Test func figuresCountMissingDuplicatesAndMisdeliveriesPerReceiver() {
        let senders = [
            Traffic.Sender(connection: 0, conversation: "a", audience: [0, 1]),
            Traffic.Sender(connection: 2, conversation: "b", audience: [2]),
        ]
        var progress = [Schedule.Progress(), Schedule.Progress()]
        progress[0].sent = 3
        progress[1].sent = 2
        let first = Receipts(step: 0), second = Receipts(step: 0), third = Receipts(step: 0)
        for sequence in [0, 1, 2] { first.record(step: 0, sender: 0, sequence: sequence, latency: 1, at: 1) }
        // The second receiver gets 0 twice and never 2: as many receipts as sent, one missing.
        for sequence in [0, 0, 1] { second.record(step: 0, sender: 0, sequence: sequence, latency: 1, at: 1) }
        for sequence in [0, 1] { third.record(step: 0, sender: 1, sequence: sequence, latency: 1, at: 1) }
        // A message of room "a" reached the third connection, which is not in it.
        third.record(step: 0, sender: 0, sequence: 0, latency: 1, at: 1)
        let figures = TrafficFigures(
            senders: senders, progress: progress, receipts: [first, second, third].map(ReceiptsSnapshot.init),
            rate: 5, duration: 1, serverCPUSeconds: nil, benchCPUSeconds: 0, p99BoundMs: 100
        )
        #expect(figures.sent == 5)
        #expect(figures.expected == 3 * 2 + 2 * 1)
        #expect(figures.missing == 1)
        #expect(figures.duplicates == 1)
        #expect(figures.misdelivered == 1)
        #expect(figures.strays == 0)
        #expect(!figures.held)
    }

    @Test func theMedianIsTheMiddleNotTheBest() {
        #expect(RunsSummary.median([3, 1, 2]) == 2)
        #expect(RunsSummary.median([4, 1, 3, 2]) == 2.5)
    }

    @Test func aScheduleStampsEachMessageWithItsDueTimeAndMeasuresItsLag() {
        var schedule = Schedule(step: 0, sender: 0, conversation: "lobby", start: 1000, interval: 100, count: 3, padding: "")
        #expect(schedule.nextDue == 1000)
        schedule.markSent(at: 1050, due: 1000)
        #expect(schedule.nextDue == 1100)
        schedule.markSent(at: 1400, due: 1100)
        schedule.markSent(at: 1400, due: 1200)
        #expect(schedule.nextDue == nil)
        #expect(schedule.progress.lagMax == 300)
        #expect(schedule.progress.firstSent == 1050)
    }
}
