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

    /// "name: text", or "* name action" for /me.
    public static func body(_ message: ChatMessage) -> String {
        if message.text.hasPrefix("/me ") {
            return "* \(message.sender) \(message.text.dropFirst(4))"
        }
        return "\(message.sender): \(message.text)"
    }

    /// One line of `parley history`.
    public static func historyLine(_ message: ChatMessage, in zone: TimeZone) -> String {
        "[\(dateTime(message.time, in: zone))] \(body(message))"
    }

    private static func components(_ millis: Int64, _ zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents(
            [.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(millis) / 1000)
        )
    }
}
