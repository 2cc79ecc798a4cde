import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import Testing

/// A real IRC client, WeeChat (Debian's weechat-headless, which .ci/run
/// installs), logs in to the IRC door with SASL over TLS, trusting the
/// server's certificate by its fingerprint, and talks with a Parley user.
/// What WeeChat shows is read from its logger's files; what it says is
/// written into its command FIFO.
@Suite(.serialized) struct WeeChatTests {
    /// A running weechat-headless in a directory of its own.
    final class WeeChat {
        let directory: String
        let process = Process()

        init(ircPort: Int, fingerprint: String, name: String, password: String) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("weechat-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            guard let binary = ["/usr/bin/weechat-headless", "/usr/local/bin/weechat-headless"].first(where: FileManager.default.isExecutableFile) else {
                throw TimedOut(waitingFor: "weechat-headless, which is not installed: apt-get install weechat-headless (.ci/run does)")
            }
            // WeeChat 3.8 names TLS "ssl"; its fingerprint is the certificate's SHA-256 in hex.
            let commands = [
                "/set logger.file.flush_delay 0",
                "/server add parley 127.0.0.1/\(ircPort) -ssl -ssl_fingerprint=\(fingerprint) -sasl_mechanism=plain "
                    + "-sasl_username=\(name) -nicks=\(name) -username=\(name)",
                // A password with a space cannot be an option of /server add.
                "/set irc.server.parley.sasl_password \"\(password)\"",
                "/connect parley",
            ]
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["--dir", directory, "--run", commands.joined(separator: ";")]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// What WeeChat logged for a buffer (`irc.parley.#lobby`, `irc.server.parley`).
        func log(_ buffer: String) -> String {
            (try? String(contentsOfFile: directory + "/logs/\(buffer).weechatlog", encoding: .utf8)) ?? ""
        }

        /// Waits until the buffer's log holds `text`; returns the log.
        @discardableResult
        func waitForLog(_ buffer: String, containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
            let deadline = ContinuousClock.now + timeout
            while true {
                let log = log(buffer)
                if log.contains(text) { return log }
                guard ContinuousClock.now < deadline, process.isRunning else {
                    throw TimedOut(waitingFor: "\"\(text)\" in WeeChat's \(buffer) log; it holds:\n\(log)\nserver buffer:\n\(self.log("irc.server.parley"))")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        /// Types into a buffer, through the FIFO (`*` text or `*/command`).
        func type(_ text: String, in buffer: String) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let fifo = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.first { $0.hasPrefix("weechat_fifo_") }
                if let fifo, let handle = FileHandle(forWritingAtPath: directory + "/" + fifo) {
                    handle.write(Data("\(buffer) *\(text)\n".utf8))
                    try handle.close()
                    return
                }
                guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: "WeeChat's FIFO") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        func stop() async {
            process.terminate()
            try? await process.exit(within: .seconds(10))
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func fingerprint(of server: TestServer) -> String {
        server.server.fingerprint!.description.dropFirst("SHA256:".count).split(separator: ":").joined().lowercased()
    }

    /// Runs `body` with WeeChat logged in as alice (an account with no
    /// session), and stops both whatever happens.
    func withWeeChat(on server: TestServer, _ body: (WeeChat) async throws -> Void) async throws {
        _ = try await server.connect().register(name: "alice", password: "correct horse")
        let weechat = try WeeChat(ircPort: server.ircPort, fingerprint: Self.fingerprint(of: server), name: "alice", password: "correct horse")
        do {
            try await body(weechat)
        } catch {
            await weechat.stop()
            await server.finish()
            throw error
        }
        await weechat.stop()
        await server.finish()
    }

    @Test func weechatLogsInWithSASLJoinsTheLobbyAndTalksWithAParleyUser() async throws {
        let server = try await TestServer.start()
        let bob = try await server.user("bob")
        try await withWeeChat(on: server) { weechat in
            try await weechat.waitForLog("irc.server.parley", containing: "SASL authentication successful")
            // The door joins alice to her rooms; bob, on the Parley door, sees her come.
            try await weechat.waitForLog("irc.parley.#lobby", containing: "Channel #lobby: 3 nicks")
            _ = try await bob.log.first("alice came") { if case .joined(_, "alice", _, _) = $0 { true } else { nil } }

            _ = try await bob.connection.send("hello weechat", to: .lobby)
            try await weechat.waitForLog("irc.parley.#lobby", containing: "bob\thello weechat")

            try await weechat.type("hello parley", in: "irc.parley.#lobby")
            let heard = try await bob.log.first("alice's message") { if case .message(let m) = $0, m.sender == "alice" { m } else { nil } }
            #expect(heard.text == "hello parley")
            #expect(heard.conversation == .lobby)

            // A /me from WeeChat is a Parley action; one from Parley is a CTCP ACTION.
            try await weechat.type("/me waves", in: "irc.parley.#lobby")
            _ = try await bob.log.first("alice's action") { if case .message(let m) = $0, m.text == "/me waves" { m } else { nil } }
            _ = try await bob.connection.send("/me waves back", to: .lobby)
            try await weechat.waitForLog("irc.parley.#lobby", containing: " *\tbob waves back")
        }
    }

    @Test func weechatPagesBackThroughHistoryWithChathistory() async throws {
        let server = try await TestServer.start()
        let bob = try await server.user("bob")
        for index in 1...30 { _ = try await bob.connection.send("message \(index)", to: .lobby) }
        let ids = try await bob.connection.wholeHistory(of: .lobby).map(\.id)
        try await withWeeChat(on: server) { weechat in
            try await weechat.waitForLog("irc.parley.#lobby", containing: "Channel #lobby")
            #expect(!weechat.log("irc.parley.#lobby").contains("message 30"))
            try await weechat.type("/quote CHATHISTORY LATEST #lobby * 10", in: "irc.server.parley")
            var log = try await weechat.waitForLog("irc.parley.#lobby", containing: "bob\tmessage 30")
            #expect(log.contains("bob\tmessage 21") && !log.contains("bob\tmessage 20"))
            // Back a page from the oldest shown, by its msgid.
            try await weechat.type("/quote CHATHISTORY BEFORE #lobby msgid=\(ids[20]) 10", in: "irc.server.parley")
            log = try await weechat.waitForLog("irc.parley.#lobby", containing: "bob\tmessage 20")
            let lines = log.split(separator: "\n").filter { $0.contains("bob\tmessage ") }.map { String($0.split(separator: "\t").last!) }
            #expect(lines == (21...30).map { "message \($0)" } + (11...20).map { "message \($0)" })
            #expect(!log.contains("bob\tmessage 10"))
        }
    }
}
