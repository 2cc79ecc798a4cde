import ArgumentParser
import ParleyDomain

@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "A chat client for the terminal.",
        discussion: """
            Settings also come from $XDG_CONFIG_HOME/parley/config.toml (else ~/.config/parley/config.toml);
            flags win. The password is typed in the login form, or taken from PARLEY_PASSWORD.
            """,
        version: "parley \(ProtocolConstants.release) (protocol \(ProtocolConstants.version))",
        subcommands: [Chat.self, Send.self, History.self, Watch.self, Search.self, RoomsCommand.self, RoomCommand.self, FriendCommand.self, Upload.self, Download.self, Files.self, AccountCommand.self],
        defaultSubcommand: Chat.self
    )
}
