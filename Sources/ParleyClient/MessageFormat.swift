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
    /// (`[date] admin: ...`). `parley watch` mixes conversations: with
    /// `naming`, the conversation stands before the sender.
    public static func historyLine(_ message: ChatMessage, in zone: TimeZone, naming conversation: Bool = false) -> String {
        let stamp = "[\(dateTime(message.time, in: zone))] " + (conversation ? message.conversation.rawValue + " " : "")
        let indent = "\n" + String(repeating: " ", count: stamp.count)
        return stamp + body(message).replacingOccurrences(of: "\n", with: indent)
    }

    /// One message as one line of JSON, for scripts (`--json`): id,
    /// conversation, sender, time (RFC 3339, UTC), text, and the file it
    /// announces if any. The text is as sent: JSON escapes what would
    /// drive a terminal.
    public static func jsonLine(_ message: ChatMessage) -> String {
        struct Line: Encodable {
            struct File: Encodable {
                let id: Int64
                let name: String
                let size: Int64
                let type: String
                let sha256: String
            }
            let id: Int64
            let conversation: String
            let sender: String
            let time: String
            let text: String
            let file: File?
        }
        let line = Line(
            id: message.id, conversation: message.conversation.rawValue, sender: message.sender,
            time: rfc3339(message.time), text: message.text,
            file: message.file.map { Line.File(id: $0.id, name: $0.name, size: $0.size, type: $0.type.rawValue, sha256: $0.sha256) }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and numbers cannot fail.
        return String(decoding: (try? encoder.encode(line)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// "2026-11-30T17:45:03.120Z".
    public static func rfc3339(_ millis: Int64) -> String {
        let parts = components(millis, utc)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year!, parts.month!, parts.day!,
                      parts.hour!, parts.minute!, parts.second!, Int(millis % 1000))
    }

    private static let utc = TimeZone(identifier: "UTC")!

    /// A date as people type it on a command line: `2026-11-30`,
    /// `2026-11-30 17:45`, or RFC 3339 (`2026-11-30T17:45:00Z`); without a
    /// zone, in `zone`. Milliseconds since the epoch, or nil.
    public static func parseDate(_ text: String, in zone: TimeZone) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let rfc = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            rfc.formatOptions = options
            if let date = rfc.date(from: trimmed) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = zone
        for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            local.dateFormat = format
            if let date = local.date(from: trimmed) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        return nil
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
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(millis) / 1000)
        )
    }
}
