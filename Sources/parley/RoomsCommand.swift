import ArgumentParser
import ParleyClient

struct RoomsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "List every room, one per line: NAME ONLINE/MEMBERS joined|- TOPIC",
        discussion: "Tab-separated, the lobby first, then by name; \"joined\" marks the rooms you are in."
    )

    @OptionGroup var account: AccountOptions

    func run() async throws {
        try await account.withConnection { connection, _ in
            for room in try await connection.rooms() {
                print([
                    MessageFormat.visible(room.name.rawValue), "\(room.online)/\(room.members)", room.joined ? "joined" : "-",
                    MessageFormat.visible(room.topic),
                ].joined(separator: "\t"))
            }
        }
    }
}
