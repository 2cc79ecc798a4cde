import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyTLS
import ParleyWire

/// Where to connect and as whom; shared by every subcommand.
struct AccountOptions: ParsableArguments {
    @Option(help: "The server, HOST:PORT (default 127.0.0.1:7070); several nodes of one service separated by commas, tried in turn.")
    var server: String?

    @Option(help: "Your user name.")
    var user: String?

    @Flag(help: "Create the account first if it does not exist.")
    var register = false

    @Flag(
        name: .customLong("take-over"),
        help: "When the account is logged in at as many places as the server allows, close the others instead of giving up."
    )
    var takeOver = false

    @Option(help: "Config file (default $XDG_CONFIG_HOME/parley/config.toml).")
    var config: String?

    @Option(
        name: .customLong("trust-fingerprint"),
        help: "Trust the server's certificate if its SHA-256 fingerprint is this one (as `parley-server fingerprint` prints it), and remember it."
    )
    var trustFingerprint: String?

    @Flag(help: "Speak plaintext, to a server run with tls = false. Passwords and messages cross the network readable.")
    var insecure = false

    func loadConfig() throws -> ClientConfig {
        do {
            return try ClientConfig.load(
                path: config ?? ClientConfig.directory() + "/config.toml", required: config != nil
            )
        } catch {
            throw CleanExit.failure(error.message)
        }
    }

    func servers(_ config: ClientConfig) throws -> ServerList {
        let text = server ?? config.server ?? "127.0.0.1:7070"
        guard let servers = ServerList(text) else {
            throw CleanExit.failure(
                "\"\(text)\" is not a server address; use HOST:PORT, such as 127.0.0.1:7070, or several separated by commas"
            )
        }
        return servers
    }

    /// TLS and trust, from the flags and the config file.
    func connectionOptions(_ config: ClientConfig) throws -> ParleyConnection.Options {
        var options = ParleyConnection.Options()
        if insecure || !config.tls {
            guard trustFingerprint == nil else {
                throw CleanExit.failure("--trust-fingerprint needs TLS; leave out --insecure (or tls = false in the config)")
            }
            options.tls = nil
            return options
        }
        var trust = ServerTrust(authorityFile: config.tlsAuthorityFile)
        if let trustFingerprint {
            guard let fingerprint = CertificateFingerprint(trustFingerprint) else {
                throw CleanExit.failure(
                    "\"\(trustFingerprint)\" is not a SHA-256 fingerprint; copy it as `parley-server fingerprint` prints it (SHA256:AB:CD:…)"
                )
            }
            trust.fingerprint = fingerprint
        }
        options.tls = trust
        return options
    }

    static var environmentPassword: String? {
        ProcessInfo.processInfo.environment["PARLEY_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// For scripts: the user and password must be given, not asked for.
    /// The session is quiet: nobody hears a script come and go, and it
    /// leaves the private messages that wait for the person. With a
    /// `token`, it resumes with it (the password when that is refused).
    /// Failures end the program with their sentence, but with `retrying`,
    /// a server that cannot be reached throws its `ParleyClientError`.
    func scriptedLogin(token: String? = nil, retrying: Bool = false) async throws -> (ParleyConnection, Welcome) {
        let config = try loadConfig()
        let servers = try servers(config)
        guard let name = user ?? config.user else {
            throw CleanExit.failure("no user: pass --user NAME or set user in the config file")
        }
        guard let password = Self.environmentPassword else {
            throw CleanExit.failure("no password: set PARLEY_PASSWORD for scripted use")
        }
        let options = try connectionOptions(config)
        do {
            return try await servers.firstAnswering { address in
                try await ParleyConnection.open(
                    host: address.host, port: address.port, name: name, password: password, token: token,
                    register: register && token == nil, createIfMissing: register, takeOver: takeOver, quiet: true, options: options
                )
            }.0
        } catch let error as ParleyClientError where retrying && error.isConnectionFailure {
            throw error
        } catch {
            throw CleanExit.failure(servers.addresses[0].sentence(for: error))
        }
    }
}

extension AccountOptions {
    /// Logs in, does `work`, and closes; a refusal ends the program with
    /// its sentence (prefixed by `failure`, when given). A script has no use
    /// for the login's resume token, so it is revoked at once.
    func withConnection(failure: String = "", _ work: (ParleyConnection, Welcome) async throws -> Void) async throws {
        let (connection, welcome) = try await scriptedLogin()
        var failed: (any Error)?
        do {
            try await work(connection, welcome)
        } catch {
            failed = error
        }
        try? await connection.logout()
        await connection.close()
        if let failed { throw CleanExit.failure(failure + "\(failed)") }
    }
}

/// Ends the program with a sentence on stderr and a non-zero status.
enum CleanExit {
    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("parley: \(message)\n".utf8))
        return ExitCode.failure
    }
}

/// `--to`, shared by the commands that act on one conversation.
struct ConversationOption: ParsableArguments {
    @Option(help: "The conversation: a room you are in (default lobby), or @NAME for a friend.")
    var to = "lobby"

    var conversation: ConversationID { ConversationID(rawValue: to) }
}
