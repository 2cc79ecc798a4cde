import ParleyProtocol

/// How a transfer under way reads: "report.pdf ▕████░░░░▏ 45% · 12.3 MB/s · 3 s left".
public enum TransferText {
    public static func line(name: String, done: Int64, total: Int64, seconds: Double, barWidth: Int = 10) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar = "▕" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "▏"
        var text = "\(name) \(bar) \(Int(fraction * 100))%"
        guard seconds > 0.05, done > 0 else { return text }
        let rate = Double(done) / seconds
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
