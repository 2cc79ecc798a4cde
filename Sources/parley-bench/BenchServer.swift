import Foundation
import ParleyClient
import ParleyPostgres
import ParleyServer
import ParleyTLS

/// Where the bench's clients connect, and whether inside TLS.
struct Endpoint: Sendable {
    let host: String
    let port: Int
    let tls: Bool
}

/// The server under test: one this bench started (so its CPU time and
/// memory can be read, and it can be killed and restarted), or one given by
/// address.
final class BenchServer: @unchecked Sendable {
    let host: String
    private(set) var port: Int
    /// The IRC door's port: 0 picks one the first time, which restarts keep.
    private(set) var ircPort: Int?
    /// Whether the server speaks TLS (`--plaintext` turns it off), and the
    /// certificate a started one printed.
    let tls: Bool
    private(set) var fingerprint: CertificateFingerprint?
    /// The started process; nil for a server given by address.
    private var process: Process?
    /// The started server's data directory.
    let directory: String?
    private let binary: String?
    private let config: String?

    var pid: Int32? { process?.processIdentifier }

    private init(host: String, port: Int, tls: Bool, directory: String?, binary: String?, config: String?, settings: [String: String]) {
        self.tls = tls
        self.settings = settings
        self.host = host
        self.port = port
        self.directory = directory
        self.binary = binary
        self.config = config
    }

    /// The settings of a started server that differ from the production
    /// defaults, as "section.key" → TOML value; every report lists them.
    /// Empty for a server given by address (its settings are unknown).
    let settings: [String: String]

    /// Starts a server with the production defaults except `settings`
    /// ("section.key" → TOML value): always a cheap password hash, since the
    /// scenarios log thousands of accounts in and measure chat, not scrypt.
    static func start(
        _ address: String?, transport: TransportOptions, settings scenarioSettings: [String: String] = [:]
    ) async throws -> BenchServer {
        if let address {
            let parts = address.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else {
                throw BenchError("\"\(address)\" is not HOST:PORT")
            }
            return BenchServer(
                host: String(parts[0]), port: port, tls: !transport.plaintext, directory: nil, binary: nil, config: nil, settings: [:]
            )
        }
        // Every bench client comes from 127.0.0.1: the caps on connections
        // would stop it at 20.
        let always = [
            "password_hash.log_n": "10", "limits.max_connections": "1000000", "limits.max_connections_per_address": "1000000",
            "limits.registrations_per_address_per_hour": "1000000",
        ]
        var settings = scenarioSettings.merging(always) { scenario, _ in scenario }
        if transport.plaintext { settings["tls"] = "false" }
        let database = try await emptied(transport.databaseURL)
        if let text = transport.databaseURL { settings["database_url"] = "\"\(text)\"" }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/server.toml"
        try toml(settings).write(toFile: config, atomically: true, encoding: .utf8)
        // Reports name the database without its password.
        if let database { settings["database_url"] = "\"\(database)\"" }
        let binary = try serverBinary()
        let server = BenchServer(
            host: "127.0.0.1", port: 0, tls: !transport.plaintext, directory: directory, binary: binary, config: config, settings: settings
        )
        try server.launch()
        return server
    }

    /// The database of `--database-url`, emptied for a run.
    private static func emptied(_ text: String?) async throws -> DatabaseURL? {
        guard let text else { return nil }
        let url: DatabaseURL
        do {
            url = try DatabaseURL(text)
        } catch {
            throw BenchError("--database-url: \(error)")
        }
        do {
            try await DatabaseAdmin.empty(url)
        } catch {
            throw BenchError("cannot empty \(url) for the run: \(error)")
        }
        return url
    }

    /// "section.key" → value as TOML tables; "key" at the top.
    private static func toml(_ settings: [String: String]) -> String {
        var top: [String] = []
        var sections: [String: [String]] = [:]
        for (name, value) in settings {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 1 {
                top.append("\(name) = \(value)")
            } else {
                sections[parts[0], default: []].append("\(parts[1]) = \(value)")
            }
        }
        return (top.sorted() + sections.sorted { $0.key < $1.key }
            .map { "[\($0.key)]\n" + $0.value.sorted().joined(separator: "\n") })
            .joined(separator: "\n")
    }

    var endpoint: Endpoint { Endpoint(host: host, port: port, tls: tls) }
    /// The IRC door of a started server.
    var ircEndpoint: Endpoint? { ircPort.map { Endpoint(host: host, port: $0, tls: tls) } }

    /// Options for a ParleyClient connection: the started server's
    /// certificate only; for a given server, the user's known servers.
    var connectionOptions: ParleyConnection.Options {
        var options = ParleyConnection.Options()
        if !tls {
            options.tls = nil
        } else if let fingerprint {
            options.tls = .only(fingerprint)
        }
        return options
    }

    /// The `parley-server` beside this bench's own executable: its real path
    /// from /proc, so that a bench started through PATH or a symlink finds it.
    private static func serverBinary() throws -> String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let binary = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("parley-server").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no parley-server beside this bench at \(binary); build it (swift build --product parley-server), or pass --server HOST:PORT")
        }
        return binary
    }

    /// Starts the process on `port` (0 the first time) and waits for its listening line.
    private func launch() throws {
        guard let binary, let directory, let config else { throw BenchError("only a server the bench started can be started") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--port", "\(port)", "--irc-port", "\(ircPort ?? 0)", "--data-dir", directory + "/data", "--config", config, "--log-level", "error",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = ""
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += String(decoding: byte, as: UTF8.self)
        }
        guard let range = line.range(of: #"listening on [^ ]+:[0-9]+"#, options: .regularExpression),
              let bound = line[range].split(separator: ":").last.flatMap({ Int($0) }) else {
            process.terminate()
            throw BenchError("parley-server did not start: \(line)")
        }
        port = bound
        if let irc = line.range(of: #"IRC on [^ ]+:[0-9]+"#, options: .regularExpression) {
            ircPort = line[irc].split(separator: ":").last.flatMap { Int($0) }
        }
        fingerprint = CertificateFingerprint(foundIn: line)
        self.process = process
    }

    /// SIGKILL: no goodbye to anyone, nothing flushed.
    func kill() {
        guard let process else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Starts the server again on the same port and data.
    func restart() throws {
        try launch()
    }

    /// Raises this process's open-files limit to the hard one, which must
    /// leave room for `connections` sockets; returns the limit.
    @discardableResult
    static func openFiles(for connections: Int) throws -> Int {
        let limit = OpenFilesLimit.raiseToHardLimit()
        guard connections + 100 <= limit else {
            throw BenchError("\(connections) connections need more open files than this process may have (\(limit)); raise `ulimit -Hn`")
        }
        return limit
    }

    /// User plus system CPU seconds of the started server; nil otherwise.
    var cpuSeconds: Double? { pid.flatMap(CPUTime.seconds(of:)) }
    /// The started server's resident memory now and at its peak, in bytes.
    var residentBytes: Int? { pid.flatMap { ProcessStatus.kilobytes("VmRSS", of: $0) }.map { $0 * 1024 } }
    var peakResidentBytes: Int? { pid.flatMap { ProcessStatus.kilobytes("VmHWM", of: $0) }.map { $0 * 1024 } }

    func stop() {
        if let process {
            process.terminate()
            process.waitUntilExit()
        }
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

enum ProcessStatus {
    /// A "Name: N kB" line of /proc/PID/status.
    static func kilobytes(_ field: String, of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum CPUTime {
    /// User plus system CPU seconds of a process, from /proc.
    static func seconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's user plus system CPU seconds.
    static var ownSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
