import Foundation
import ParleyDomain
import ParleyWire

/// How messages read, in the terminal and in `parley history`.
public enum MessageFormat {
    /// "HH:MM" in the given time zone.
    public static func clock(_ millis: Int64, in zone: TimeZone) -> String {
        let parts = components(millis, zone)
        return String(format: "%02d:%02d", parts.hour!, parts.minute!)
    }

    /// "YYYY-MM-DD HH:MM" in the given time zone.
    public static func dateTime(_ millis: Int64, in zone: TimeZone) -> String {
        let parts = components(millis, zone)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
    }

    /// "name: text", or "* name action" for /me, with whatever could
    /// drive the terminal or hide text shown visibly (`visible`).
    public static func body(_ message: ChatMessage) -> String {
        if let file = message.file {
            // An announcement says who shared it itself; its size in today's units.
            return "* \(visible(file.sender)) shared \(visible(file.name)), \(ByteCount.text(file.size))"
        }
        let (sender, text) = (visible(message.sender), visible(message.text, keepingLineBreaks: true))
        if text.hasPrefix("/me ") {
            return "* \(sender) \(text.dropFirst(4))"
        }
        return "\(sender): \(text)"
    }

    /// One message of `parley history`: its lines after the first are
    /// indented, so that no message can print what looks like another
    /// (`[date] admin: ...`).
    public static func historyLine(_ message: ChatMessage, in zone: TimeZone) -> String {
        let stamp = "[\(dateTime(message.time, in: zone))] "
        let indent = "\n" + String(repeating: " ", count: stamp.count)
        return stamp + body(message).replacingOccurrences(of: "\n", with: indent)
    }

    /// Text from the server as it may be shown: control characters (escape
    /// sequences among them) and format characters (bidirectional
    /// overrides, invisible spaces) become `⟨U+202E⟩`, so that nobody's text
    /// drives the terminal or poses as something else
    /// (`invoice_⟨U+202E⟩fdp.exe`). Joiners, which scripts and emoji need,
    /// stay, and so do tabs and, when asked, line breaks.
    public static func visible(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isHidden($0, keepingLineBreaks) }) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars {
            if isHidden(scalar, keepingLineBreaks) {
                shown += "⟨" + Unicode.Scalar.codePoint(scalar.value) + "⟩"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    private static func isHidden(_ scalar: Unicode.Scalar, _ keepingLineBreaks: Bool) -> Bool {
        if scalar.properties.generalCategory == .control {
            return scalar != "\t" && !(keepingLineBreaks && scalar == "\n")
        }
        return scalar.hidesText
    }

    private static func components(_ millis: Int64, _ zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents(
            [.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(millis) / 1000)
        )
    }
}
