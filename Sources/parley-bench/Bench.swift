import ArgumentParser

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Measures Parley: each scenario prints a table, or with --json one JSON object.",
        discussion: """
            Without --server, each scenario starts the parley-server binary that sits beside this one, on a
            temporary data directory, with a cheap password hash and no rate limit, so that what is measured
            is chat, not scrypt or the limiter.
            """,
        subcommands: [Fanout.self, Connections.self, History.self, Files.self, Reconnect.self]
    )
}

/// Where to run against, shared by every scenario.
struct TargetOptions: ParsableArguments {
    @Option(help: "A running server, HOST:PORT; without it a fresh parley-server is started.")
    var server: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false
}
