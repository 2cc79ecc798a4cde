import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import Testing

/// Two real `parley` processes in tmux against a real `parley-server`.
@Suite(.serialized) struct ChatEndToEndTests {
    let directory = TestServer.makeDataDirectory()

    @Test func twoPeopleChatLeaveResizeAndSurviveARestart() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        var (server, port) = try ServerProcess.started(in: directory)
        let configHome = directory + "/config"

        try await tmux.logIn("alice", "bob", port: port, configHome: configHome)

        // bob appears in alice's users pane.
        try await tmux.wait("alice", for: "│ ● bob")
        try await tmux.wait("alice", for: "-- bob is here")

        try tmux.type("alice", "hello 世界 🎉")
        try tmux.send("alice", "Enter")
        try await tmux.wait("bob", for: "alice: hello 世界 🎉")
        try await tmux.wait("alice", for: "alice: hello 世界 🎉")

        // Her own line on her screen is coloured unlike the same line on bob's.
        let own = try #require(colourBefore("alice: hello", in: try tmux.screen("alice", colours: true)))
        let other = try #require(colourBefore("alice: hello", in: try tmux.screen("bob", colours: true)))
        #expect(own != other, "own \(own.debugDescription) vs other \(other.debugDescription)")

        // Alt+Enter makes a second line; a bracketed paste of several lines is
        // one message, not one per line.
        try tmux.type("alice", "two lines:")
        try tmux.send("alice", "M-Enter")
        try tmux.type("alice", "the second")
        try tmux.send("alice", "Enter")
        try await tmux.wait("bob", for: "alice: two lines:")
        try await tmux.wait("bob", for: "the second")
        try tmux.run(["set-buffer", "pasted one\npasted two\npasted three"])
        try tmux.run(["paste-buffer", "-p", "-t", "bob"])
        try await tmux.wait("bob", for: "> pasted one")
        try tmux.send("bob", "Enter")
        try await tmux.wait("alice", for: "pasted three")
        let pasted = try tmux.screen("alice").split(separator: "\n")
        #expect(pasted.filter { $0.contains("bob: pasted") }.count == 1, "one message")

        try tmux.type("bob", "/quit")
        try tmux.send("bob", "Enter")
        try await tmux.wait("bob", for: "[exited 0]")
        try await tmux.wait("alice", for: "-- bob left (quit)")
        #expect(try tmux.screen("alice").contains("│ ○ bob"), "bob is a member, offline")

        // Started by `sh -c`, with no job control to continue it, Ctrl+Z
        // says so instead of stopping the chat for good.
        try tmux.send("alice", "C-z")
        try await tmux.wait("alice", for: "Ctrl+Z does nothing here")

        // Smaller: the input box and the last message are still there.
        try tmux.resize("alice", columns: 80, rows: 24)
        // Redrawn at the new size: the bottom rule ends at the 80th column.
        try await tmux.wait("alice", until: "the screen redrawn 80 wide") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.allSatisfy { $0.count <= 80 } && lines.contains { $0.hasPrefix(">") }
        }
        let small = try tmux.screen("alice").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(small.count >= 24)
        #expect(small.contains { $0.hasPrefix(">") }, "the input box")
        #expect(small.contains { $0.contains("-- bob left (quit)") }, "the last message")
        #expect(small.allSatisfy { $0.count <= 80 })

        // The server goes away and comes back; a message sent meanwhile arrives.
        server.process.terminate()
        #expect(server.finish().status == 0)
        try await tmux.wait("alice", for: "reconnecting")
        (server, port) = try ServerProcess.started(in: directory, port: port)
        let (status, _, errors) = try await ParleyCommand.script(["send", "sent while you were away"], user: "carol", port: port, configHome: configHome)
        #expect(status == 0, "parley send: \(errors)")
        try await tmux.wait("alice", for: "carol: sent while you were away", timeout: .seconds(40))
        try await tmux.wait("alice", for: "· online ·")

        server.process.terminate()
        _ = server.finish()
    }
}

/// `parley send` and `parley history` against a real server.
@Suite struct ScriptingTests {
    let directory = TestServer.makeDataDirectory()

    /// `parley history` pages by itself for any --limit and --all, and
    /// selects by id and by date; --json is one object per line.
    @Test func historyPagesSelectsAndPrintsJSON() async throws {
        let (server, port) = try ServerProcess.started(in: directory, limits: "rate_burst = 1000\nrate_per_second = 1000\nhistory_page_max = 100")
        defer { server.process.terminate(); _ = server.finish() }
        let config = directory + "/config"
        let (writer, _) = try await ParleyConnection.open(
            host: "127.0.0.1", port: port, name: "writer", password: "password-of-writer", register: true, options: server.options
        )
        var sent: [ChatMessage] = []
        for n in 1...450 { sent.append(try await writer.send("line \(n)")) }
        await writer.close()
        func run(_ arguments: String...) async throws -> [String] {
            let (status, output, errors) = try await ParleyCommand.script(["history"] + arguments, user: "reader", port: port, configHome: config)
            #expect(status == 0, "\(arguments): \(errors)")
            return output.split(separator: "\n").map(String.init)
        }
        func texts(_ lines: [String]) -> [String] { lines.compactMap { $0.firstMatch(of: /writer: (line \d+)$/).map { String($0.1) } } }

        #expect(texts(try await run("--limit", "300")) == (151...450).map { "line \($0)" }, "the newest 300, over three pages")
        let everything = try await run("--all", "--json")
        let objects = try everything.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.count == 450)
        #expect(objects.compactMap { $0["text"] as? String } == (1...450).map { "line \($0)" })
        #expect(objects.compactMap { $0["id"] as? Int64 } == sent.map(\.id))
        #expect(objects.allSatisfy { $0["sender"] as? String == "writer" && $0["conversation"] as? String == "lobby" })
        #expect(objects.allSatisfy { ($0["time"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil })

        #expect(texts(try await run("--after", "\(sent[99].id)", "--limit", "3")) == ["line 101", "line 102", "line 103"])
        #expect(texts(try await run("--before", "\(sent[99].id)", "--limit", "2")) == ["line 98", "line 99"])
        #expect(texts(try await run("--after", "\(sent[399].id)", "--all")) == (401...450).map { "line \($0)" }, "resume after the last id printed")
        let from = MessageFormat.rfc3339(sent[200].time), to = MessageFormat.rfc3339(sent[210].time)
        let window = sent.filter { $0.time >= sent[200].time && $0.time <= sent[210].time }.map(\.text)
        #expect(texts(try await run("--since", from, "--until", to, "--all")) == window)
        #expect(texts(try await run("--since", from, "--limit", "5")) == Array(sent.suffix(5).map(\.text)))

        for (arguments, expected) in [(["--limit", "0"], "--limit must be 1 or more"), (["--since", "yesterday"], "is not a date"),
                                      (["--all", "--limit", "5"], "give one")] {
            let (status, _, errors) = try await ParleyCommand.script(["history"] + arguments, user: "reader", port: port, configHome: config)
            #expect(status != 0 && errors.contains(expected), "\(arguments): \(errors)")
        }
    }

    @Test func aScriptChangesThePasswordAndDeletingNeedsYes() async throws {
        let (server, port) = try ServerProcess.started(in: directory)
        defer { server.process.terminate(); _ = server.finish() }
        let config = directory + "/config"
        let (unconfirmed, _, why) = try await ParleyCommand.script(["account", "delete"], user: "dora", port: port, configHome: config)
        #expect(unconfirmed != 0 && why.contains("--yes"), "\(why)")
        let (changed, _, errors) = try await ParleyCommand.script(
            ["account", "passwd"], user: "dora", port: port, configHome: config, stdin: "a much newer secret\n"
        )
        #expect(changed == 0, "\(errors)")
        let (refused, _, sentence) = try await ParleyCommand.script(["send", "hi"], user: "dora", port: port, configHome: config)
        #expect(refused != 0 && sentence.contains("Wrong name or password"), "the old password no longer works: \(sentence)")
    }

    /// Trust on first use: scripts refuse a certificate nobody vouches for
    /// until --trust-fingerprint names it; the chat shows it and asks.
    @Test func aNewServersCertificateIsTrustedOnlyWhenThePersonSaysSo() async throws {
        let (server, port) = try ServerProcess.started(in: directory)
        defer { server.process.terminate(); _ = server.finish() }
        let fingerprint = try #require(server.fingerprint)
        let fresh = directory + "/fresh"
        let knownServers = fresh + "/parley/known_servers"

        let (refused, _, why) = try await ParleyCommand.script(["send", "hello"], user: "newbie", port: port, configHome: fresh)
        #expect(refused != 0)
        #expect(why.contains("\(fingerprint)") && why.contains("--trust-fingerprint"), "\(why)")
        #expect(!FileManager.default.fileExists(atPath: knownServers))

        let (trusted, _, errors) = try await ParleyCommand.script(
            ["send", "hello", "--trust-fingerprint", "\(fingerprint)"], user: "newbie", port: port, configHome: fresh
        )
        #expect(trusted == 0, "\(errors)")
        #expect(try await ParleyCommand.script(["send", "again"], user: "newbie", port: port, configHome: fresh).0 == 0, "remembered")

        // The chat, with nothing pinned, asks before it logs in.
        let tmux = Tmux()
        defer { tmux.kill() }
        let chatHome = directory + "/chat-home"
        try tmux.start("carol", command: ParleyCommand.chat(user: "carol", port: port, configHome: chatHome))
        try await tmux.wait("carol", for: "Trust this server")
        #expect(try tmux.screen("carol").contains("\(fingerprint)"))
        try tmux.type("carol", "yes")
        try tmux.send("carol", "Enter")
        try await tmux.wait("carol", for: "carol@127.0.0.1:\(port) · online")
        let pinned = try String(contentsOfFile: chatHome + "/parley/known_servers", encoding: .utf8)
        #expect(pinned.contains("127.0.0.1:\(port) \(fingerprint)"))
    }

    @Test func sendThenHistory() async throws {
        let (server, port) = try ServerProcess.started(in: directory)
        let config = directory + "/config"

        var (status, _, errors) = try await ParleyCommand.script(["send", "first 🎉"], user: "robo", port: port, configHome: config)
        #expect(status == 0, "\(errors)")
        (status, _, errors) = try await ParleyCommand.script(["send", "-"], user: "robo", port: port, configHome: config, stdin: "from stdin\nline two\n")
        #expect(status == 0, "\(errors)")
        let (historyStatus, output, _) = try await ParleyCommand.script(["history", "--limit", "10"], user: "robo", port: port, configHome: config)
        #expect(historyStatus == 0)
        let lines = output.split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(lines.first?.range(of: #"^\[\d{4}-\d\d-\d\d \d\d:\d\d\] robo: first 🎉$"#, options: .regularExpression) != nil)
        #expect(lines[1].hasSuffix("robo: from stdin"))
        #expect(lines[2] == String(repeating: " ", count: 19) + "line two", "a message's second line is indented under its first")

        // Friends and private messages from scripts.
        #expect(try await ParleyCommand.script(["friend", "add", "pal"], user: "robo", port: port, configHome: config).0 != 0, "pal does not exist yet")
        #expect(try await ParleyCommand.script(["friend", "list"], user: "pal", port: port, configHome: config).0 == 0)
        #expect(try await ParleyCommand.script(["friend", "add", "pal"], user: "robo", port: port, configHome: config).0 == 0)
        #expect(try await ParleyCommand.script(["friend", "accept", "robo"], user: "pal", port: port, configHome: config).0 == 0)
        let (_, friends, _) = try await ParleyCommand.script(["friend", "list"], user: "robo", port: port, configHome: config)
        #expect(friends == "pal offline\n")
        #expect(try await ParleyCommand.script(["send", "--to", "@pal", "just us"], user: "robo", port: port, configHome: config).0 == 0)
        let (_, privately, _) = try await ParleyCommand.script(["history", "--to", "@robo"], user: "pal", port: port, configHome: config)
        #expect(privately.hasSuffix("] robo: just us\n"))

        // Rooms: made, joined and used from scripts; refusals exit non-zero with their sentence.
        #expect(try await ParleyCommand.script(["room", "create", "dev", "--topic", "builds"], user: "robo", port: port, configHome: config).0 == 0)
        #expect(try await ParleyCommand.script(["send", "--to", "dev", "in dev"], user: "robo", port: port, configHome: config).0 == 0)
        let (outsider, _, outsiderErrors) = try await ParleyCommand.script(["send", "--to", "dev", "let me in"], user: "pal", port: port, configHome: config)
        #expect(outsider != 0 && outsiderErrors.contains("You are not in dev; join it first."), "\(outsiderErrors)")
        #expect(try await ParleyCommand.script(["room", "join", "dev"], user: "pal", port: port, configHome: config).0 == 0)
        let (_, devHistory, _) = try await ParleyCommand.script(["history", "--to", "dev"], user: "pal", port: port, configHome: config)
        #expect(devHistory.hasSuffix("] robo: in dev\n"), "\(devHistory)")
        let (notCreator, _, notCreatorErrors) = try await ParleyCommand.script(["room", "topic", "dev", "--topic", "mine now"], user: "pal", port: port, configHome: config)
        #expect(notCreator != 0 && notCreatorErrors.contains("Only the creator"), "\(notCreatorErrors)")
        #expect(try await ParleyCommand.script(["room", "topic", "dev", "--topic", "builds and bugs"], user: "robo", port: port, configHome: config).0 == 0)
        let (_, rooms, _) = try await ParleyCommand.script(["rooms"], user: "pal", port: port, configHome: config)
        // Scripts log in quietly: nobody counts as online.
        #expect(rooms == "lobby\t0/2\tjoined\t\ndev\t0/2\tjoined\tbuilds and bugs\n", "\(rooms.debugDescription)")
        // Files: shared and fetched from scripts, listed one per line.
        let shared = directory + "/shared.txt"
        try "from a script\n".write(toFile: shared, atomically: true, encoding: .utf8)
        let (upStatus, upOut, upErrors) = try await ParleyCommand.script(["upload", "--to", "dev", shared], user: "robo", port: port, configHome: config)
        #expect(upStatus == 0, "\(upErrors)")
        let fileID = upOut.trimmingCharacters(in: .whitespacesAndNewlines)
        let (_, listing, _) = try await ParleyCommand.script(["files", "--to", "dev"], user: "pal", port: port, configHome: config)
        #expect(listing.hasPrefix("\(fileID)\tshared.txt\t14\ttext\trobo\t"), "\(listing)")
        let (downStatus2, downOut, downErrors2) = try await ParleyCommand.script(["download", "--to", "dev", "shared.txt", "--out", directory + "/got"], user: "pal", port: port, configHome: config)
        #expect(downStatus2 == 0, "\(downErrors2)")
        #expect(downOut == directory + "/got/shared.txt\n")
        #expect(try String(contentsOfFile: directory + "/got/shared.txt", encoding: .utf8) == "from a script\n")
        let (homeStatus, homeOut, _) = try await ParleyCommand.script(["download", "--to", "dev", "shared.txt"], user: "pal", port: port, configHome: config)
        #expect(homeStatus == 0 && homeOut == config + "/home/Downloads/parley/shared.txt\n", "~ is $HOME: \(homeOut)")
        let (missing, _, missingErrors) = try await ParleyCommand.script(["download", "nothing.bin"], user: "pal", port: port, configHome: config)
        #expect(missing != 0 && missingErrors.contains("there is no file \"nothing.bin\" in lobby"), "\(missingErrors)")

        let (partLobby, _, partErrors) = try await ParleyCommand.script(["room", "part", "lobby"], user: "pal", port: port, configHome: config)
        #expect(partLobby != 0 && partErrors.contains("stays in the lobby"))

        let (badStatus, _, badErrors) = try await ParleyCommand.script(["send", "   "], user: "robo", port: port, configHome: config)
        #expect(badStatus != 0)
        #expect(badErrors.contains("white space"))

        server.process.terminate()
        _ = server.finish()

        let (downStatus, _, downErrors) = try await ParleyCommand.script(["send", "hello?"], user: "robo", port: port, configHome: config)
        #expect(downStatus != 0)
        #expect(downErrors.contains("cannot connect to 127.0.0.1:\(port): connection refused — is parley-server running?"))
    }
}
