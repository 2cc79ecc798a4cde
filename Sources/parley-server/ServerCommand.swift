import ArgumentParser
import Dispatch
import Foundation
import Logging
import ParleyServer

@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-server",
        abstract: "Runs the Parley chat server.",
        discussion: """
            Settings come from --config FILE (TOML), then from these flags, which win.
            Data (one SQLite file) lives in --data-dir, by default $XDG_DATA_HOME/parley-server
            or ~/.local/share/parley-server.
            """
    )

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (default 7070).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Directory for the database; created if missing.")
    var dataDirectory: String?

    @Option(help: "TOML file with settings and limits.")
    var config: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    func run() async throws {
        var configuration = ServerConfiguration(dataDirectory: Self.defaultDataDirectory())
        var level = "info"
        do {
            if let config {
                level = try ConfigurationFile.apply(path: config, to: &configuration) ?? level
            }
        } catch {
            Self.fail("\(error)")
        }
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        level = logLevel ?? level
        guard let logLevel = Logger.Level(rawValue: level) else {
            Self.fail("unknown log level \"\(level)\": use trace, debug, info, notice, warning, error or critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }

        OpenFilesLimit.raiseToHardLimit()
        // Before the listening line: a supervisor may signal as soon as it reads it.
        let (stopSignal, signalSources) = Self.terminationSignals()
        let server: ParleyServer
        do {
            server = try await ParleyServer.start(configuration)
        } catch {
            Self.fail("\(error)")
        }
        FileHandle.standardOutput.write(Data(
            "parley-server listening on \(configuration.host):\(server.port) (data in \(configuration.dataDirectory))\n".utf8
        ))

        let signal = await stopSignal.first { _ in true } ?? "end of signals"
        signalSources.forEach { $0.cancel() }
        Logger(label: "parley-server").notice("stopping on \(signal)")
        await server.shutdown()
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("parley-server: \(message)\n".utf8))
        Foundation.exit(1)
    }

    private static func defaultDataDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return xdg + "/parley-server"
        }
        return (environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.local/share/parley-server"
    }

    /// SIGINT and SIGTERM, by name, from now on, for as long as the
    /// returned sources are kept.
    private static func terminationSignals() -> (AsyncStream<String>, [any DispatchSourceSignal]) {
        let (signals, continuation) = AsyncStream.makeStream(of: String.self)
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        return (signals, sources)
    }
}
