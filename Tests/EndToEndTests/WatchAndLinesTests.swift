import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import Testing

/// `parley watch`, `parley send --lines`, `--version` and the completion
/// scripts, run as the processes people run.
@Suite struct WatchAndLinesTests {
    let directory = TestServer.makeDataDirectory()
    var config: String { directory + "/config" }

    func writer(_ port: Int, _ server: ServerProcess, register: Bool = false) async throws -> ParleyConnection {
        try await ParleyConnection.open(
            host: "127.0.0.1", port: port, name: "writer", password: "password-of-writer",
            register: register, createIfMissing: register, options: server.options
        ).0
    }

    func texts(_ output: LiveOutput) throws -> [String] {
        try output.lines.map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["text"] as? String)
        }
    }

    @Test func watchPrintsEachMessageOnceAcrossAReconnect() async throws {
        let limits = "rate_burst = 1000\nrate_per_second = 1000"
        var (server, port) = try ServerProcess.started(in: directory, limits: limits)
        let (watch, output, errors) = try ParleyCommand.start(["watch", "--json"], user: "watcher", port: port, configHome: config)
        defer {
            kill(watch.processIdentifier, SIGCONT)
            watch.terminate()
            server.process.terminate()
            _ = server.finish()
        }
        try await errors.wait(for: "the watch to log in") { $0.text.contains("parley: watching as watcher") }
        var writer = try await writer(port, server, register: true)
        try await writer.send("one")
        try await output.wait(for: "the first message") { $0.lines.count == 1 }

        // The server goes away; while the watch waits to reconnect it is
        // stopped, so what is said meanwhile can only reach it by catching up.
        server.process.terminate()
        _ = server.finish()
        try await errors.wait(for: "the watch to notice") { $0.text.contains("reconnecting in") }
        kill(watch.processIdentifier, SIGSTOP)
        (server, port) = try ServerProcess.started(in: directory, port: port, limits: limits)
        writer = try await self.writer(port, server)
        try await writer.send("two")
        try await writer.send("three")
        kill(watch.processIdentifier, SIGCONT)
        try await errors.wait(for: "the catch-up") { $0.text.contains("reconnected; caught up 2 messages sent meanwhile") }
        try await writer.send("four")
        try await output.wait(for: "the live message after the catch-up") { $0.lines.count >= 4 }
        #expect(try texts(output) == ["one", "two", "three", "four"], "each once, in order")
        #expect(watch.isRunning)
        await writer.close()
    }

    @Test func watchExecRunsACommandPerMessageWithItsJSON() async throws {
        let (server, port) = try ServerProcess.started(in: directory)
        let file = directory + "/seen.jsonl"
        let (watch, _, errors) = try ParleyCommand.start(
            ["watch", "--to", "lobby", "--exec", "cat >> '\(file)'; exit 3"], user: "bot", port: port, configHome: config
        )
        defer {
            watch.terminate()
            server.process.terminate()
            _ = server.finish()
        }
        try await errors.wait(for: "the watch to log in") { $0.text.contains("parley: watching as bot in lobby") }
        let writer = try await writer(port, server, register: true)
        let first = try await writer.send("for the bot")
        let second = try await writer.send("and again")
        try await errors.wait(for: "both commands to run") { $0.text.components(separatedBy: "--exec exited with status 3").count == 3 }
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let ids = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["id"] as? Int64 }
        #expect(ids == [first.id, second.id])
        #expect(errors.text.contains("for message \(first.id)"))
        await writer.close()

        let (status, _, refusal) = try await ParleyCommand.script(["watch", "--to", "nowhere"], user: "bot", port: port, configHome: config)
        #expect(status == 1 && refusal.contains("you are not in nowhere"), "\(refusal)")
    }

    @Test func sendLinesSendsEachLineInOrderAndSaysWhereItStopped() async throws {
        let (server, port) = try ServerProcess.started(in: directory, limits: "max_message_chars = 100")
        defer {
            server.process.terminate()
            _ = server.finish()
        }
        let (status, _, errors) = try await ParleyCommand.script(
            ["send", "--lines"], user: "poster", port: port, configHome: config,
            stdin: (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n\n   \nlast\n"
        )
        #expect(status == 0, "\(errors)")
        let long = String(repeating: "x", count: 101)
        let (partial, _, partialErrors) = try await ParleyCommand.script(
            ["send", "--lines", "--to", "lobby"], user: "poster", port: port, configHome: config, stdin: "kept\n\(long)\nnever sent\n"
        )
        #expect(partial == 2 && partialErrors.contains("sent 1 message; line 2 was refused:"), "\(partialErrors)")
        let (none, _, noneErrors) = try await ParleyCommand.script(["send", "--lines"], user: "poster", port: port, configHome: config, stdin: long)
        #expect(none == 1 && noneErrors.contains("sent 0 messages; line 1 was refused:"), "\(noneErrors)")
        let (usage, _, usageErrors) = try await ParleyCommand.script(["send", "--lines", "text too"], user: "poster", port: port, configHome: config)
        #expect(usage != 0 && usageErrors.contains("leave out the text"), "\(usageErrors)")

        let (_, history, _) = try await ParleyCommand.script(["history", "--all"], user: "poster", port: port, configHome: config)
        let texts = history.split(separator: "\n").compactMap { $0.firstMatch(of: /poster: (.*)$/).map { String($0.1) } }
        #expect(texts == (1...30).map { "line \($0)" } + ["last", "kept"])
    }

    @Test func versionsAndCompletionScripts() async throws {
        for (binary, name) in [(ParleyCommand.binary, "parley"), (ServerProcess.binary.path, "parley-server")] {
            let (status, output) = try Spawn.run([binary, "--version"], captureOutput: true)
            #expect(status == 0 && output.hasPrefix("\(name) \(ProtocolConstants.release) (protocol \(ProtocolConstants.version))"), "\(output)")
        }
        for shell in ["bash", "zsh", "fish"] {
            let (status, script) = try Spawn.run([ParleyCommand.binary, "--generate-completion-script", shell], captureOutput: true)
            #expect(status == 0 && script.contains("watch") && script.contains("take-over"), "\(shell)")
        }
        // The bash script loads in bash and completes a subcommand.
        let (status, completed) = try Spawn.run(["bash", "-c", """
            source <('\(ParleyCommand.binary)' --generate-completion-script bash)
            COMP_WORDS=(parley wat); COMP_CWORD=1; COMP_LINE="parley wat"; COMP_POINT=10
            _parley; echo "${COMPREPLY[@]}"
            """], captureOutput: true)
        #expect(status == 0 && completed.contains("watch"), "\(completed)")
    }

    @Test func searchPrintsHitsNewestFirstAndPagesForAll() async throws {
        let (server, port) = try ServerProcess.started(in: directory, limits: "rate_burst = 1000\nrate_per_second = 1000\nhistory_page_max = 10")
        defer {
            server.process.terminate()
            _ = server.finish()
        }
        let writer = try await writer(port, server, register: true)
        var sent: [ChatMessage] = []
        for n in 1...25 { sent.append(try await writer.send(n % 2 == 0 ? "deploy number \(n)" : "chatter \(n)")) }
        await writer.close()
        func run(_ arguments: String...) async throws -> (Int32, [String], String) {
            let (status, output, errors) = try await ParleyCommand.script(["search"] + arguments, user: "finder", port: port, configHome: config)
            return (status, output.split(separator: "\n").map(String.init), errors)
        }
        let (status, lines, errors) = try await run("DEPLOY", "--limit", "3")
        #expect(status == 0, "\(errors)")
        #expect(lines.map { String($0.drop { $0 != "]" }.dropFirst(2)) } == ["lobby writer: deploy number 24", "lobby writer: deploy number 22", "lobby writer: deploy number 20"])
        let (_, all, _) = try await run("deploy", "number", "--all", "--json")
        let ids = try all.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["id"] as? Int64 }
        #expect(ids == sent.filter { $0.text.hasPrefix("deploy") }.map(\.id).reversed(), "12 hits over two pages of 10")
        #expect(try await run("deploy", "--from", "nobody").1.isEmpty)
        let (refused, _, refusal) = try await run("deploy", "--to", "dev")
        #expect(refused == 1 && refusal.contains("cannot search:"), "\(refusal)")
    }
}
