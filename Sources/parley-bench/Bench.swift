import ArgumentParser
import Foundation

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Measures Parley: each scenario prints a table, or with --json one JSON object.",
        discussion: """
            Without --server, each scenario starts the parley-server binary that sits beside this one, on a
            temporary data directory, with the production defaults except the settings the scenario needs
            (always a cheap password hash, so that what is measured is chat, not scrypt); every report lists
            those settings. --runs N repeats a scenario, each run on a fresh server, and reports the median,
            the lowest and the highest of every figure.
            """,
        subcommands: [Fanout.self, Private.self, Connections.self, History.self, Search.self, Files.self, Reconnect.self]
    )
}

/// Where to run against, for the scenarios that can use a running server.
struct TargetOptions: ParsableArguments {
    @Option(help: "A running server, HOST:PORT; without it a fresh parley-server is started.")
    var server: String?
}

/// The door a scenario's clients come through.
enum BenchDoor: String, ExpressibleByArgument, Sendable {
    case parley, irc
}

/// TLS or not, and the store of a started server, shared by every scenario.
struct TransportOptions: ParsableArguments {
    @Flag(help: "Speak plaintext: the started server runs with tls = false (a given --server must too).")
    var plaintext = false

    @Option(
        name: .customLong("database-url"),
        help: "The started server keeps its data in this PostgreSQL database, which is EMPTIED before each run (postgres://USER@HOST:PORT/DB)."
    )
    var databaseURL: String?
}

/// How to report, shared by every scenario.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Repeat the scenario this many times, each on a fresh server, and report medians and spreads.")
    var runs = 1

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }
}

/// One measurement and the settings of the server it ran on that differ
/// from production.
struct Measured {
    let report: any Report
    let settings: [String: String]
}

/// A scenario measures once; `run` repeats it `--runs` times and prints.
protocol Scenario: AsyncParsableCommand {
    var output: OutputOptions { get }
    func measure() async throws -> Measured
}

extension Scenario {
    func run() async throws {
        var runs: [Measured] = []
        for _ in 0..<output.runs { runs.append(try await measure()) }
        if runs.count == 1 {
            Swift.print(output.json ? runs[0].json : runs[0].table)
        } else {
            let summary = RunsSummary(runs)
            Swift.print(output.json ? summary.json : summary.table)
        }
    }
}
