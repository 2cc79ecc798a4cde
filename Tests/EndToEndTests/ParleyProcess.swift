import Foundation
import ParleyClient
import ParleyTestSupport
import Testing

/// Command lines for the real `parley` binary.
enum ParleyCommand {
    static let binary = buildProductsDirectory.appendingPathComponent("parley").path

    /// A shell command that runs the chat for `user` in a UTF-8 terminal,
    /// with a config home of its own so nobody's real settings interfere,
    /// and in colour even when NO_COLOR is in the tests' environment (it was
    /// in a run of `.ci/run` with its output in a file).
    static func chat(user: String, port: Int, configHome: String) -> String {
        chat(user: user, servers: "127.0.0.1:\(port)", configHome: configHome)
    }

    /// The chat of `user` with `--server servers` (one address, or several
    /// separated by commas).
    static func chat(user: String, servers: String, configHome: String) -> String {
        "env -u NO_COLOR LANG=C.UTF-8 XDG_CONFIG_HOME=\(configHome) PARLEY_PASSWORD=password-of-\(user) "
            + "\(binary) --server \(servers) --user \(user) --register"
    }

    /// The chat of a guest: no password anywhere, the form asks for the name.
    static func guestChat(name: String, port: Int, configHome: String) -> String {
        "env -u NO_COLOR LANG=C.UTF-8 XDG_CONFIG_HOME=\(configHome) \(binary) --server 127.0.0.1:\(port) --user \(name) --guest"
    }

    /// The environment of a scripted subcommand: its own config home, UTC.
    static func environment(user: String, configHome: String) -> [String: String] {
        [
            "PARLEY_PASSWORD": "password-of-\(user)", "XDG_CONFIG_HOME": configHome, "HOME": configHome + "/home",
            "TZ": "UTC", "LANG": "C.UTF-8",
        ]
    }

    /// Starts a scripted subcommand that runs until stopped (`parley
    /// watch`); its output is read as it comes.
    static func start(_ arguments: [String], user: String, port: Int, configHome: String) throws -> (Process, LiveOutput, LiveOutput) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + ["--server", "127.0.0.1:\(port)", "--user", user, "--register"]
        process.environment = environment(user: user, configHome: configHome)
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let (output, errors) = (LiveOutput(out), LiveOutput(err))
        try process.run()
        return (process, output, errors)
    }

    /// Runs a scripted subcommand and returns its status, stdout and stderr.
    static func script(_ arguments: [String], user: String, port: Int, configHome: String, stdin: String? = nil) async throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + ["--server", "127.0.0.1:\(port)", "--user", user, "--register"]
        process.environment = environment(user: user, configHome: configHome)
        let (out, err, input) = (Pipe(), Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let (output, errors) = (PipeReader(out), PipeReader(err))
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        try await process.exit(within: .seconds(120))
        return (process.terminationStatus, try await output.text(within: .seconds(10)), try await errors.text(within: .seconds(10)))
    }
}

extension Tmux {
    /// Starts the chat of each user in a session named after them, and waits
    /// until each is logged in.
    func logIn(_ users: String..., port: Int, configHome: String) async throws {
        for user in users {
            try start(user, command: ParleyCommand.chat(user: user, port: port, configHome: configHome))
            try await wait(user, for: "\(user)@127.0.0.1:\(port) · online", timeout: .seconds(60))
        }
    }
}

extension ServerProcess {
    /// The real `parley-server` on `port` (0: a free one) with its data in
    /// `directory`/data, and the port it listens on. Its password hash is
    /// the cheap one of the other suites: these tests are about the
    /// screens, and beside the rest of the suite a debug build's scrypt at
    /// full cost kept the clients at their login past the timeout.
    /// `settings` are lines for the top of the config file, `limits` lines
    /// for its `[limits]`.
    static func started(in directory: String, port: Int = 0, settings: String = "", limits: String = "") throws -> (ServerProcess, Int) {
        let config = directory + "/server.toml"
        // Deadlines for a machine whose two cores the whole suite shares:
        // a first hello can wait seconds for the CPU (the deadlines have
        // tests of their own).
        let deadlines = limits.contains("hello_timeout_seconds") ? "" : "hello_timeout_seconds = 60\nlogin_timeout_seconds = 60\n"
        try "\(settings)\n[password_hash]\nlog_n = 10\n[limits]\n\(deadlines)\(limits)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess([
            "--port", "\(port)", "--data-dir", directory + "/data", "--config", config, "--log-level", "warning",
        ])
        let bound = try #require(try server.waitForListeningPort())
        // As a person who has trusted the server once: its certificate is
        // pinned in the config home the tests give their clients.
        try KnownServers(path: directory + "/config/parley/known_servers")
            .pin(try #require(server.fingerprint), for: ServerAddress(host: "127.0.0.1", port: bound))
        return (server, bound)
    }
}
