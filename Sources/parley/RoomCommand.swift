import ArgumentParser
import ParleyClient

struct RoomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "room",
        abstract: "Create, join or leave a room: create|join|part NAME."
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case create, join, part
    }

    @OptionGroup var account: AccountOptions

    @Argument(help: "create, join or part.")
    var action: Action

    @Argument(help: "The room.")
    var name: String

    @Option(help: "The topic of a room being created.")
    var topic = ""

    @Flag(help: "Every member of the room being created may change its topic, not only you.")
    var openTopic = false

    func validate() throws {
        if action != .create, !topic.isEmpty || openTopic { throw ValidationError("--topic and --open-topic are for create") }
    }

    func run() async throws {
        try await account.withConnection { connection, _ in
            switch action {
            case .create: _ = try await connection.createRoom(name, topic: topic, openTopic: openTopic)
            case .join: _ = try await connection.joinRoom(name)
            case .part: try await connection.leaveRoom(name)
            }
        }
    }
}
