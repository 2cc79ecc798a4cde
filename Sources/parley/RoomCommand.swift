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

    func validate() throws {
        if action != .create, !topic.isEmpty { throw ValidationError("--topic is for create") }
    }

    func run() async throws {
        try await account.withConnection { connection, _ in
            switch action {
            case .create: _ = try await connection.createRoom(name, topic: topic)
            case .join: _ = try await connection.joinRoom(name)
            case .part: try await connection.leaveRoom(name)
            }
        }
    }
}
