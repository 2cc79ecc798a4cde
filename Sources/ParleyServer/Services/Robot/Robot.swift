import Foundation
import Logging
import ParleyDomain
import ParleyStore

/// The built-in member of every room that answers `@robot`. It posts like
/// a person, after the question is committed, so its answer follows the
/// question in every client's view and never holds up the asker.
public struct Robot: Sendable {
    let store: any ChatStore
    let hub: Hub
    let user: StoredUser
    let logger: Logger

    /// Answers `message` in `room` if it asks the robot something.
    func hear(_ message: ChatMessage, in room: StoredConversation) {
        guard message.sender != user.name, let command = RobotCommand(message: message.text) else { return }
        Task {
            do {
                let text = try await answer(command, asker: message.sender, in: room)
                let (hub, now) = (self.hub, Timestamp.nowMillis())
                _ = try await store.appendMessage(room: room, sender: user, text: text, at: now, deliveredAt: now) {
                    hub.publish(.message($0), in: room.id)
                }
            } catch {
                logger.error("the robot could not answer", metadata: ["room": "\(room.name)", "error": "\(error)"])
            }
        }
    }

    static let namesInWho = 50

    func answer(_ command: RobotCommand, asker: String, in room: StoredConversation) async throws -> String {
        switch command {
        case .help:
            return "I answer @robot followed by: help · time · who (who is online here) · roll 2d6 · stats (today here) · echo TEXT"
        case .time:
            let now = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date())
            let time = String(format: "%04d-%02d-%02d %02d:%02d:%02d", now.year!, now.month!, now.day!, now.hour!, now.minute!, now.second!)
            return "It is \(time) UTC."
        case .who:
            let names = hub.onlineNames(in: room.id).sorted { $0.lowercased() < $1.lowercased() }
            // A crowd's names would not fit in a message.
            let named = names.prefix(Self.namesInWho).joined(separator: ", ")
            let more = names.count > Self.namesInWho ? " and \(names.count - Self.namesInWho) more" : ""
            return "Online in \(room.name) (\(names.count)): " + named + more
        case .roll(let dice, let sides):
            let rolls = (0..<dice).map { _ in Int.random(in: 1...sides) }
            let sum = rolls.reduce(0, +)
            return dice == 1
                ? "\(asker) rolls \(dice)d\(sides): \(sum)"
                : "\(asker) rolls \(dice)d\(sides): " + rolls.map(String.init).joined(separator: " + ") + " = \(sum)"
        case .badRoll:
            return "Roll like this: @robot roll 2d6 (1 to \(RobotCommand.maxDice) dice of 2 to \(RobotCommand.maxSides) sides)."
        case .stats:
            let midnight = Int64(Calendar.utc.startOfDay(for: Date()).timeIntervalSince1970 * 1000)
            let count = try await store.messageCount(in: room, since: midnight)
            let online = hub.onlineCount(in: room.id)
            return "\(room.name) today (UTC): \(count) message\(count == 1 ? "" : "s"), \(online) \(online == 1 ? "person" : "people") online."
        case .echo(let text):
            return text
        case .unknown(let word):
            return "I don't know \"\(word)\", try @robot help"
        }
    }
}

extension Calendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
