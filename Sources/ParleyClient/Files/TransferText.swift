import ParleyDomain
import ParleyWire
import Synchronization

/// How far a transfer is, and how much of that moved in this try.
public struct TransferReading: Hashable, Sendable {
    public var done: Int64 = 0
    public var total: Int64 = 0
    /// Bytes moved since this try started: what a resumed download had
    /// already is not speed.
    public var moved: Int64 = 0
    public var seconds: Double = 0

    public init(done: Int64 = 0, total: Int64 = 0, moved: Int64 = 0, seconds: Double = 0) {
        self.done = done
        self.total = total
        self.moved = moved
        self.seconds = seconds
    }
}

/// Turns one transfer's progress reports into readings.
public final class TransferWatch: Sendable {
    private let start = ContinuousClock.now
    private let base = Mutex<Int64?>(nil)

    public init() {}

    public func reading(_ done: Int64, _ total: Int64) -> TransferReading {
        let first = base.withLock { base in
            if base == nil { base = done }
            return base!
        }
        let elapsed = (ContinuousClock.now - start).components
        return TransferReading(done: done, total: total, moved: done - first,
                               seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }
}

/// How a transfer under way reads: "report.pdf ▕████░░░░░░▏ 45% · 12.3 MiB/s · 3 s left".
public enum TransferText {
    public static func line(name: String, _ reading: TransferReading, barWidth: Int = 10) -> String {
        let (done, total) = (reading.done, reading.total)
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar = "▕" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "▏"
        var text = "\(name) \(bar) \(Int(fraction * 100))%"
        guard reading.seconds > 0.05, reading.moved > 0 else { return text }
        let rate = Double(reading.moved) / reading.seconds
        text += " · \(ByteCount.text(Int64(rate)))/s"
        if done < total {
            text += " · " + left(Double(total - done) / rate)
        }
        return text
    }

    private static func left(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole < 60 ? "\(whole) s left" : "\(whole / 60) min \(whole % 60) s left"
    }
}
