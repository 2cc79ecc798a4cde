import ArgumentParser
import Dispatch
import Foundation
import Logging
import ParleyDomain
import ParleyPostgres
import ParleyServer

@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-server",
        abstract: "Runs the Parley chat server.",
        discussion: """
            Settings come from --config FILE (TOML), then from the flags, which win.
            Data (one SQLite file, the self-signed certificate) lives in --data-dir, by default
            $XDG_DATA_HOME/parley-server or ~/.local/share/parley-server.
            """,
        version: "parley-server \(ProtocolConstants.release) (protocol \(ProtocolConstants.version))",
        subcommands: [Serve.self, Fingerprint.self],
        defaultSubcommand: Serve.self
    )

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("parley-server: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

/// `--config` and `--data-dir`: what every subcommand reads its settings from.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory for the database and certificate; created if missing.")
    var dataDirectory: String?

    @Option(help: "TOML file with settings and limits.")
    var config: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL to keep the data in (postgres://USER@HOST:PORT/DB) instead of SQLite in --data-dir.")
    var databaseURL: String?

    /// The configuration, and the file's `log_level`.
    func load() -> (ServerConfiguration, String?) {
        var configuration = ServerConfiguration(dataDirectory: Self.defaultDataDirectory())
        var level: String?
        do {
            if let config {
                level = try ConfigurationFile.apply(path: config, to: &configuration)
            }
        } catch {
            ServerCommand.fail("\(error)")
        }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let databaseURL {
            do {
                configuration.databaseURL = try DatabaseURL(databaseURL)
            } catch {
                ServerCommand.fail("--database-url: \(error)")
            }
        }
        return (configuration, level)
    }

    private static func defaultDataDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return xdg + "/parley-server"
        }
        return (environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.local/share/parley-server"
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Listens for clients (the default).")

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (default 7070).")
    var port: Int?

    @Option(name: .customLong("irc-port"), help: "Port of the IRC door; 0 picks a free one (default 6697).")
    var ircPort: Int?

    @OptionGroup var settings: SettingsOptions

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    func run() async throws {
        var (configuration, fileLevel) = settings.load()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let ircPort { configuration.ircPort = ircPort }
        let level = logLevel ?? fileLevel ?? "info"
        guard let logLevel = Logger.Level(rawValue: level) else {
            ServerCommand.fail("unknown log level \"\(level)\": use trace, debug, info, notice, warning, error or critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "parley-server")

        OpenFilesLimit.raiseToHardLimit()
        // Before the listening line: a supervisor may signal as soon as it reads it.
        let signals = Self.signals()
        let server: ParleyServer
        do {
            server = try await ParleyServer.start(configuration)
        } catch {
            ServerCommand.fail("\(error)")
        }
        let security = server.fingerprint.map { "TLS, certificate \($0)" } ?? "plaintext, no TLS"
        let data = configuration.databaseURL.map { "data in \($0), files in \(configuration.dataDirectory)" }
            ?? "data in \(configuration.dataDirectory)"
        let irc = server.ircPort.map { "; IRC on \(configuration.host):\($0)" } ?? ""
        FileHandle.standardOutput.write(Data(
            "parley-server listening on \(configuration.host):\(server.port) (\(security); \(data))\(irc)\n".utf8
        ))

        for await signal in signals.stream {
            guard signal == "SIGHUP" else {
                logger.notice("stopping on \(signal)")
                break
            }
            do {
                try server.reloadCertificate()
            } catch {
                logger.error("cannot reload the TLS certificate; the old one stays in use", metadata: ["error": "\(error)"])
            }
        }
        signals.sources.forEach { $0.cancel() }
        await server.shutdown()
    }

    /// SIGINT and SIGTERM (stop) and SIGHUP (reload the certificate), by
    /// name, from now on, for as long as the returned sources are kept.
    private static func signals() -> (stream: AsyncStream<String>, sources: [any DispatchSourceSignal]) {
        let (signals, continuation) = AsyncStream.makeStream(of: String.self)
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        return (signals, sources)
    }
}

struct Fingerprint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints the SHA-256 fingerprint of the server's certificate, for clients to check on first connection.",
        discussion: "The self-signed certificate is made now if the server has not made it yet."
    )

    @OptionGroup var settings: SettingsOptions

    func run() throws {
        let (configuration, _) = settings.load()
        do {
            guard let fingerprint = try ParleyServer.fingerprint(configuration) else {
                ServerCommand.fail("tls = false in the configuration: the server presents no certificate")
            }
            print(fingerprint)
        } catch {
            ServerCommand.fail("\(error)")
        }
    }
}
