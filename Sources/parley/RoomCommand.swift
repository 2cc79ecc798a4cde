import ArgumentParser
import ParleyClient
import ParleyDomain
import ParleyWire

struct RoomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "room",
        abstract: "Create, join or leave a room, or set its topic: create|join|part|topic NAME."
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case create, join, part, topic
    }

    @OptionGroup var account: AccountOptions

    @Argument(help: "create, join, part, or topic (sets --topic; empty clears it).")
    var action: Action

    @Argument(help: "The room.")
    var name: String

    @Option(help: "The topic of a room being created, or the new topic.")
    var topic = ""

    @Flag(help: "Every member of the room being created may change its topic, not only you.")
    var openTopic = false

    func validate() throws {
        if action != .create, openTopic { throw ValidationError("--open-topic is for create") }
        if action == .join || action == .part, !topic.isEmpty { throw ValidationError("--topic is for create and topic") }
    }

    func run() async throws {
        try await account.withConnection { connection, _ in
            switch action {
            case .create: _ = try await connection.createRoom(name, topic: topic, openTopic: openTopic)
            case .join: _ = try await connection.join(name)
            case .part: try await connection.leave(name)
            case .topic: try await connection.setTopic(topic, of: ConversationID(rawValue: name))
            }
        }
    }
}
