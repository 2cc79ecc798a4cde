import Foundation
import ParleyClient
import ParleyDomain
import ParleyIRC
import ParleyServer
import ParleyStore
import ParleyTestSupport
import ParleyWire
import Testing

/// The IRC door over loopback, with TLS: every command and the numerics
/// that answer it, and Parley users on the other door. One at a time: each
/// starts a server, and the suite beside them needs the two cores too.
@Suite(.serialized) struct IRCDoorTests {
    func withServer(_ adjust: @escaping (inout ServerConfiguration) -> Void = { _ in }, _ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start { adjust(&$0) }
        do {
            try await body(server)
        } catch {
            await server.finish()
            throw error
        }
        await server.finish()
    }

    @Test func registersWithSASLAndGetsTheWelcomeBurstWithParleysLimits() async throws {
        try await withServer { server in
            _ = try await server.user("alice")
            let irc = try await IRCClient.connect(port: server.ircPort)
            try await irc.send("CAP LS 302")
            let ls = try await irc.next("CAP")
            for capability in ["sasl=PLAIN", "server-time", "message-tags", "echo-message", "batch", "away-notify", "account-tag", "draft/chathistory"] {
                #expect(ls.parameters.last?.split(separator: " ").contains(Substring(capability)) == true, "\(capability)")
            }
            try await irc.send("NICK alice")
            try await irc.send("USER alice 0 * :Alice")
            try await irc.send("CAP REQ :sasl")
            try await irc.send("AUTHENTICATE PLAIN")
            _ = try await irc.next("AUTHENTICATE")
            try await irc.send("AUTHENTICATE " + Data("alice\0alice\0correct horse".utf8).base64EncodedString())
            #expect(try await irc.next("900").parameters[2] == "alice")
            _ = try await irc.next("903")
            try await irc.send("CAP END")
            #expect(try await irc.next("001").parameters == ["alice", "Welcome to Parley, alice"])
            for numeric in ["002", "003", "004"] { _ = try await irc.next(numeric) }
            let isupport = try await irc.lines(until: "the last 005") { $0.command == "375" }.filter { $0.command == "005" }
                .flatMap { $0.parameters.dropFirst().dropLast() }
            for token in ["NICKLEN=32", "CHANNELLEN=33", "TOPICLEN=300", "parley.chat/MESSAGELEN=4000", "CHATHISTORY=200", "UTF8ONLY"] {
                #expect(isupport.contains(token), "\(token) in \(isupport)")
            }
            _ = try await irc.next("376")
            // Every room of the account is joined, with its names.
            #expect(try await irc.next("JOIN").parameters == ["#lobby"])
            let names = try await irc.next("353")
            #expect(names.parameters[2] == "#lobby")
            #expect(Set(names.parameters[3].split(separator: " ")) == ["alice", "robot"])
            _ = try await irc.next("366")
        }
    }

    @Test func aWrongPasswordOrNoneIsRefusedAndTheConnectionClosed() async throws {
        try await withServer { server in
            _ = try await server.user("alice")
            let wrong = try await IRCClient.connect(port: server.ircPort)
            try await wrong.send("CAP REQ :sasl")
            try await wrong.send("AUTHENTICATE PLAIN")
            _ = try await wrong.next("AUTHENTICATE")
            try await wrong.send("AUTHENTICATE " + Data("alice\0alice\0not it".utf8).base64EncodedString())
            #expect(try await wrong.next("904").parameters.last?.contains("Wrong name or password") == true)

            let none = try await IRCClient.connect(port: server.ircPort)
            try await none.send("NICK alice")
            try await none.send("USER alice 0 * :Alice")
            _ = try await none.next("464")
            #expect(try await none.next("ERROR").parameters.first?.contains("SASL") == true)
            try await none.waitUntilClosed()

            let badPass = try await IRCClient.connect(port: server.ircPort)
            try await badPass.send("PASS nope-nope")
            try await badPass.send("NICK alice")
            try await badPass.send("USER alice 0 * :Alice")
            _ = try await badPass.next("464")
            try await badPass.waitUntilClosed()
        }
    }

    @Test func passLogsInAndTheNickIsTheAccountsName() async throws {
        try await withServer { server in
            _ = try await server.user("Alice")
            let irc = try await IRCClient.connect(port: server.ircPort)
            try await irc.send("PASS :alice:correct horse")
            try await irc.send("NICK someone_else")
            try await irc.send("USER a 0 * :A")
            #expect(try await irc.next("001").parameters.first == "Alice")
            _ = try await irc.next("376")
            try await irc.send("NICK other")
            #expect(try await irc.next("432").parameters.last?.contains("Alice") == true)
        }
    }

    @Test func beforeRegistrationOnlyRegistrationCommandsAndPingAreTaken() async throws {
        try await withServer { server in
            let irc = try await IRCClient.connect(port: server.ircPort)
            try await irc.send("JOIN #lobby")
            _ = try await irc.next("451")
            try await irc.send("PING :abc")
            #expect(try await irc.next("PONG").parameters.last == "abc")
            try await irc.send("QUIT :bye")
            _ = try await irc.next("ERROR")
            try await irc.waitUntilClosed()
        }
    }

    @Test func aConnectionThatDoesNotRegisterInTimeIsClosed() async throws {
        // Long enough for a TLS handshake on a busy machine: an ERROR written
        // before it ends never reaches the client.
        try await withServer({ $0.loginTimeoutSeconds = 3; $0.helloTimeoutSeconds = 3 }) { server in
            // It says nothing at all (sending could meet a closed socket).
            let irc = try await IRCClient.connect(port: server.ircPort)
            #expect(try await irc.next("ERROR").parameters.first?.contains("Registration timed out") == true)
            try await irc.waitUntilClosed()
        }
    }

    @Test func messagesCrossBothDoorsInTheSameRoom() async throws {
        try await withServer { server in
            let bob = try await server.user("bob")
            _ = try await server.user("alice")
            let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice", capabilities: ["server-time", "message-tags", "account-tag"])
            // Bob, on the Parley door, hears alice come online from IRC.
            _ = try await bob.log.first("alice joined") { if case .joined(_, "alice", _, _) = $0 { true } else { nil } }
            try await irc.send("PRIVMSG #lobby :hello from irssi")
            let heard = try await bob.log.first("alice's message") { if case .message(let m) = $0, m.sender == "alice" { m } else { nil } }
            #expect(heard.text == "hello from irssi")
            #expect(heard.conversation == .lobby)

            _ = try await bob.connection.send("hello from parley", to: .lobby)
            let line = try await irc.next("bob's PRIVMSG") { $0.command == "PRIVMSG" && $0.source?.hasPrefix("bob!") == true }
            #expect(line.parameters == ["#lobby", "hello from parley"])
            #expect(line.tag("account") == "bob")
            #expect(line.tag("msgid").flatMap(MessageID.id) != nil)
            #expect(line.tag("time").flatMap(IRCTime.millis) != nil)
            // Stored like any other message.
            let history = try await bob.connection.wholeHistory(of: .lobby)
            #expect(history.map(\.text).contains("hello from irssi"))
        }
    }

    @Test func withoutEchoMessageOwnMessagesAreNotWrittenBackWithItTheyAre() async throws {
        try await withServer { server in
            _ = try await server.user("alice")
            _ = try await server.user("carol")
            let plain = try await IRCClient.logIn(port: server.ircPort, name: "alice")
            let echo = try await IRCClient.logIn(port: server.ircPort, name: "carol", capabilities: ["echo-message"])
            try await plain.send("PRIVMSG #lobby :one")
            try await echo.send("PRIVMSG #lobby :two")
            #expect(try await echo.next("carol's echo") { $0.command == "PRIVMSG" && $0.parameters.last == "two" }.source?.hasPrefix("carol!") == true)
            _ = try await plain.next("carol's message") { $0.command == "PRIVMSG" && $0.parameters.last == "two" }
            try await plain.send("PING :after")
            _ = try await plain.next("PONG")
            #expect(!plain.lines.contains { $0.command == "PRIVMSG" && $0.parameters.last == "one" })
            // A NOTICE is echoed as the NOTICE it was (others get it as a message: Parley has no notices).
            try await echo.send("NOTICE #lobby :three")
            #expect(try await echo.next("carol's notice echoed") { $0.parameters.last == "three" }.command == "NOTICE")
            #expect(try await plain.next("carol's notice") { $0.parameters.last == "three" }.command == "PRIVMSG")
        }
    }

    @Test func aLongOrMultiLineParleyMessageArrivesAsSeveralLinesThatFit() async throws {
        try await withServer { server in
            let bob = try await server.user("bob")
            _ = try await server.user("alice")
            let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice")
            let long = (1...150).map { "word\($0)" }.joined(separator: " ")
            _ = try await bob.connection.send("first line\n" + long, to: .lobby)
            let first = try await irc.next("first line") { $0.command == "PRIVMSG" && $0.source?.hasPrefix("bob!") == true }
            #expect(first.parameters.last == "first line")
            var pieces: [String] = []
            while pieces.joined(separator: " ") != long {
                let next = try await irc.next("a piece") { $0.command == "PRIVMSG" && $0.source?.hasPrefix("bob!") == true }
                #expect(next.line.utf8.count <= 512)
                pieces.append(next.parameters.last!)
            }
            #expect(pieces.count >= 3)
        }
    }

    @Test func privateMessagesGoToFriendsAndOthersGetTheNumericThatSaysWhy() async throws {
        try await withServer { server in
            let (alice, bob) = try await server.friends("alice", "bob")
            _ = try await server.user("carol")
            _ = alice
            let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice")
            try await irc.send("PRIVMSG bob :psst")
            let heard = try await bob.log.first("a private message") { if case .message(let m) = $0, m.text == "psst" { m } else { nil } }
            #expect(heard.conversation == .direct("alice"))
            _ = try await bob.connection.send("psst back", to: .direct("alice"))
            let back = try await irc.next("bob's reply") { $0.command == "PRIVMSG" && $0.parameters.last == "psst back" }
            #expect(back.parameters.first == "alice")
            #expect(back.source == "bob!bob@parley")

            try await irc.send("PRIVMSG carol :hi")
            #expect(try await irc.next("531").parameters[1] == "carol")
            try await irc.send("PRIVMSG nobody_here :hi")
            #expect(try await irc.next("401").parameters[1] == "nobody_here")
            try await irc.send("PRIVMSG #nosuchroom :hi")
            _ = try await irc.next("403")
            try await irc.send("PRIVMSG")
            _ = try await irc.next("411")
            try await irc.send("PRIVMSG #lobby :")
            _ = try await irc.next("412")
            // NOTICE is never answered with an error.
            try await irc.send("NOTICE carol :hi")
            try await irc.send("PING :x")
            _ = try await irc.next("PONG")
            #expect(irc.lines.filter { $0.command == "531" }.count == 1)
        }
    }

    @Test func joinPartTopicNamesWhoWhoisListAndMode() async throws {
        try await withServer { server in
            let bob = try await server.user("bob")
            _ = try await server.user("alice")
            let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice")
            // JOIN makes a room that does not exist.
            try await irc.send("JOIN #dev")
            #expect(try await irc.next("JOIN").parameters == ["#dev"])
            #expect(try await irc.next("353").parameters.last == "alice robot")
            _ = try await irc.next("366")
            try await irc.send("JOIN lobby")
            #expect(try await irc.next("403").parameters[1] == "lobby")
            try await irc.send("TOPIC #dev :all about dev")
            #expect(try await irc.next("TOPIC").parameters == ["#dev", "all about dev"])
            try await irc.send("TOPIC #dev")
            #expect(try await irc.next("332").parameters == ["alice", "#dev", "all about dev"])
            // Bob joins on the Parley door: alice sees the JOIN; bob may not set the topic.
            _ = try await bob.connection.join("dev")
            #expect(try await irc.next("bob's JOIN") { $0.command == "JOIN" && $0.source?.hasPrefix("bob!") == true }.parameters == ["#dev"])
            try await irc.send("NAMES #dev")
            #expect(Set(try await irc.next("353").parameters.last!.split(separator: " ")) == ["alice", "bob", "robot"])
            _ = try await irc.next("366")
            try await irc.send("WHO #dev")
            let who = try await irc.lines(until: "315") { $0.command == "315" }.filter { $0.command == "352" }
            #expect(Set(who.map { $0.parameters[5] }) == ["alice", "bob"])
            try await irc.send("WHOIS bob")
            let whois = try await irc.lines(until: "318") { $0.command == "318" }
            #expect(whois.contains { $0.command == "311" && $0.parameters[1] == "bob" })
            #expect(whois.contains { $0.command == "319" && $0.parameters.last == "#dev #lobby" })
            #expect(whois.contains { $0.command == "330" && $0.parameters[2] == "bob" })
            try await irc.send("WHOIS nobody")
            _ = try await irc.next("401")
            _ = try await irc.next("318")
            try await irc.send("LIST")
            let list = try await irc.lines(until: "323") { $0.command == "323" }.filter { $0.command == "322" }
            #expect(list.map { $0.parameters[1] } == ["#lobby", "#dev"])
            #expect(list.last?.parameters == ["alice", "#dev", "2", "all about dev"])
            try await irc.send("MODE #dev")
            #expect(try await irc.next("324").parameters == ["alice", "#dev", "+nt"])
            try await irc.send("MODE #dev +o bob")
            _ = try await irc.next("482")
            try await irc.send("MODE alice")
            _ = try await irc.next("221")

            // Bob leaves on his door; alice leaves on hers; the lobby cannot be left.
            try await bob.connection.leave("dev")
            #expect(try await irc.next("bob's PART") { $0.command == "PART" }.source?.hasPrefix("bob!") == true)
            try await irc.send("PART #dev")
            #expect(try await irc.next("PART").source?.hasPrefix("alice!") == true)
            try await irc.send("PART #dev")
            _ = try await irc.next("442")
            try await irc.send("PART #lobby")
            #expect(try await irc.next("FAIL").parameters.prefix(2) == ["PART", "ROOM_CANNOT_LEAVE"])
            try await irc.send("TOPIC #lobby :mine now")
            _ = try await irc.next("482")
        }
    }

    @Test func awayIsShownToOthersAndQuitIsHeardOnTheParleyDoor() async throws {
        try await withServer { server in
            let bob = try await server.user("bob")
            // Alice has an account, but no session on the Parley door.
            _ = try await server.connect().register(name: "alice", password: "correct horse")
            let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice")
            _ = try await bob.log.first("alice came") { if case .joined(_, "alice", _, _) = $0 { true } else { nil } }
            let other = try await IRCClient.logIn(port: server.ircPort, name: "bob")
            try await irc.send("AWAY :at lunch")
            _ = try await irc.next("306")
            try await other.send("PRIVMSG alice :are you there?")
            #expect(try await other.next("301").parameters == ["bob", "alice", "at lunch"])
            try await other.send("WHO alice")
            #expect(try await other.next("352").parameters[6] == "G")
            try await irc.send("AWAY")
            _ = try await irc.next("305")
            try await irc.send("QUIT :done")
            _ = try await irc.next("ERROR")
            await other.close()
            _ = try await bob.log.first("alice left") { if case .left(_, "alice", _, true) = $0 { true } else { nil } }
        }
    }

    @Test func awayNotifyTellsOnceAcrossSharedChannelsAndOnlyThoseWhoAsked() async throws {
        try await withServer { server in
            let bob = try await server.user("bob")
            _ = try await server.connect().register(name: "alice", password: "correct horse")
            _ = try await server.connect().register(name: "carol", password: "correct horse")
            let alice = try await IRCClient.logIn(port: server.ircPort, name: "alice")
            let carol = try await IRCClient.logIn(port: server.ircPort, name: "carol", capabilities: ["away-notify"])
            let plain = try await IRCClient.logIn(port: server.ircPort, name: "carol")
            // Two rooms shared: still one AWAY.
            try await alice.send("JOIN #dev")
            _ = try await alice.next("366")
            try await carol.send("JOIN #dev")
            _ = try await carol.next("366")
            _ = try await plain.next("366")
            try await alice.send("JOIN #dev")
            try await alice.send("AWAY :at lunch")
            _ = try await alice.next("306")
            #expect(try await carol.next("AWAY").parameters == ["at lunch"])
            let away = try await bob.log.first("away") { if case .away("alice", let text) = $0 { text } else { nil } }
            #expect(away == "at lunch")
            try await alice.send("AWAY")
            _ = try await alice.next("305")
            #expect(try await carol.next("AWAY").parameters.isEmpty)
            try await carol.send("PING :x")
            _ = try await carol.next("PONG")
            #expect(carol.lines.filter { $0.command == "AWAY" }.count == 2)
            try await plain.send("PING :y")
            _ = try await plain.next("PONG")
            #expect(!plain.lines.contains { $0.command == "AWAY" })
            // A second JOIN of a channel already joined showed nothing new.
            #expect(alice.lines.filter { $0.command == "JOIN" && $0.parameters == ["#dev"] && $0.source?.hasPrefix("alice!") == true }.count == 1)
        }
    }

    @Test func chathistoryPagesBackThroughParleysHistory() async throws {
        try await withServer { server in
            let bob = try await server.user("bob")
            _ = try await server.user("alice")
            for index in 1...30 { _ = try await bob.connection.send("message \(index)", to: .lobby) }
            let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice", capabilities: ["batch", "server-time", "message-tags", "draft/chathistory"])
            try await irc.send("CHATHISTORY LATEST #lobby * 10")
            var page = try await irc.lines(until: "the batch's end") { $0.command == "BATCH" && $0.parameters.first?.hasPrefix("-") == true }
            #expect(page.first?.command == "BATCH" && page.first?.parameters.dropFirst() == ["chathistory", "#lobby"])
            var messages = page.filter { $0.command == "PRIVMSG" }
            #expect(messages.map { $0.parameters.last! } == (21...30).map { "message \($0)" })
            #expect(messages.allSatisfy { $0.tag("batch") != nil && $0.tag("time") != nil })
            var seen = messages.map { $0.parameters.last! }
            while let oldest = messages.first?.tag("msgid") {
                try await irc.send("CHATHISTORY BEFORE #lobby msgid=\(oldest) 10")
                page = try await irc.lines(until: "the batch's end") { $0.command == "BATCH" && $0.parameters.first?.hasPrefix("-") == true }
                messages = page.filter { $0.command == "PRIVMSG" }
                seen = messages.map { $0.parameters.last! } + seen
            }
            #expect(seen == (1...30).map { "message \($0)" })
            try await irc.send("CHATHISTORY BEFORE #lobby yesterday 10")
            #expect(try await irc.next("FAIL").parameters.prefix(2) == ["CHATHISTORY", "INVALID_PARAMS"])
            try await irc.send("CHATHISTORY LATEST #secret * 10")
            #expect(try await irc.next("FAIL").parameters.prefix(2) == ["CHATHISTORY", "INVALID_TARGET"])
        }
    }

    /// Times as references: what each subcommand answers is what the
    /// messages' own times say it should be (two messages may share a
    /// millisecond, and a time between them splits neither).
    @Test func chathistoryTakesTimesAndListsTargets() async throws {
        try await withServer { server in
            let (alice, bob) = try await server.friends("alice", "bob")
            for index in 1...30 { _ = try await bob.connection.send("message \(index)", to: .lobby) }
            _ = try await bob.connection.send("just us", to: .direct("alice"))
            _ = alice
            let irc = try await IRCClient.logIn(
                port: server.ircPort, name: "alice", capabilities: ["batch", "server-time", "message-tags", "draft/chathistory"]
            )
            func page(_ command: String) async throws -> [(text: String, time: Int64)] {
                try await irc.send(command)
                let lines = try await irc.lines(until: "the batch's end") { $0.command == "BATCH" && $0.parameters.first?.hasPrefix("-") == true }
                return lines.filter { $0.command == "PRIVMSG" }.map { ($0.parameters.last!, IRCTime.millis($0.tag("time")!)!) }
            }
            let all = try await page("CHATHISTORY LATEST #lobby * 100")
            #expect(all.map(\.text) == (1...30).map { "message \($0)" })
            let t10 = all[9].time, t20 = all[19].time
            #expect(try await page("CHATHISTORY BEFORE #lobby timestamp=\(IRCTime.text(millis: t20)) 5").map(\.text)
                    == all.filter { $0.time < t20 }.suffix(5).map(\.text))
            #expect(try await page("CHATHISTORY AFTER #lobby timestamp=\(IRCTime.text(millis: t10)) 5").map(\.text)
                    == all.filter { $0.time > t10 }.prefix(5).map(\.text))
            #expect(try await page("CHATHISTORY LATEST #lobby timestamp=\(IRCTime.text(millis: t20)) 100").map(\.text)
                    == all.filter { $0.time > t20 }.map(\.text))
            let between = all.filter { $0.time > t10 && $0.time < t20 }.map(\.text)
            #expect(try await page("CHATHISTORY BETWEEN #lobby timestamp=\(IRCTime.text(millis: t10)) timestamp=\(IRCTime.text(millis: t20)) 100").map(\.text)
                    == between)
            #expect(try await page("CHATHISTORY BETWEEN #lobby timestamp=\(IRCTime.text(millis: t20)) timestamp=\(IRCTime.text(millis: t10)) 100").map(\.text)
                    == between, "either order")
            let around = try await page("CHATHISTORY AROUND #lobby timestamp=\(IRCTime.text(millis: t20)) 4").map(\.text)
            #expect(around.count == 4 && around.contains("message 20"))

            // TARGETS: the conversations with messages between two times, latest last.
            let since = IRCTime.text(millis: all[0].time), now = IRCTime.text(millis: Timestamp.nowMillis() + 1000)
            try await irc.send("CHATHISTORY TARGETS timestamp=\(since) timestamp=\(now) 10")
            let targets = try await irc.lines(until: "the batch's end") { $0.command == "BATCH" && $0.parameters.first?.hasPrefix("-") == true }
            #expect(targets.first?.parameters.dropFirst() == ["draft/chathistory-targets"])
            let listed = targets.filter { $0.command == "CHATHISTORY" }
            #expect(listed.map { $0.parameters[1] } == ["#lobby", "bob"])
            #expect(listed.allSatisfy { $0.tag("batch") != nil && IRCTime.millis($0.parameters[2]) != nil })
            #expect(IRCTime.millis(listed[0].parameters[2]) == all[29].time)
            let before = IRCTime.text(millis: all[0].time - 60_000)
            try await irc.send("CHATHISTORY TARGETS timestamp=\(before) timestamp=\(IRCTime.text(millis: all[0].time - 1)) 10")
            let none = try await irc.lines(until: "the batch's end") { $0.command == "BATCH" && $0.parameters.first?.hasPrefix("-") == true }
            #expect(!none.contains { $0.command == "CHATHISTORY" })
            try await irc.send("CHATHISTORY TARGETS * * 10")
            #expect(try await irc.next("FAIL").parameters.prefix(3) == ["CHATHISTORY", "INVALID_PARAMS", "TARGETS"])
            try await irc.send("CHATHISTORY BEFORE #lobby * 10")
            #expect(try await irc.next("FAIL").parameters.prefix(2) == ["CHATHISTORY", "INVALID_PARAMS"], "* is for LATEST")
        }
    }

    /// Shutting down tells IRC clients why, as it tells Parley ones, and a
    /// guest's name is freed before the database closes. Before, the IRC
    /// port's connections were left to be cut when the event loops stopped:
    /// no ERROR line, and the guest's name was released against a closed
    /// database.
    @Test func shuttingDownSaysSoToIRCClientsAndLeavesNoWorkUndone() async throws {
        let server = try await TestServer.start { $0.guestsEnabled = true }
        let guest = try await IRCClient.connect(port: server.ircPort)
        try await guest.send("NICK visitor")
        try await guest.send("USER v 0 * :Visitor")
        _ = try await guest.next("366")
        await server.stop()
        #expect(try await guest.next("ERROR").parameters.last?.contains("shutting down") == true)
        let store = try await TestStore.open(for: server.dataDirectory)
        #expect(try await store.user(nameKey: "visitor") == nil, "the guest's name was freed before the database closed")
        try store.close()
        try? FileManager.default.removeItem(atPath: server.dataDirectory)
    }

    @Test func badInputGetsAnAnswerAndNeverTheConnectionsState() async throws {
        try await withServer { server in
            _ = try await server.user("alice")
            let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice")
            try await irc.send("PRIVMSG #lobby :" + String(repeating: "x", count: 600))
            _ = try await irc.next("417")
            try await irc.send(bytes: Array("PRIVMSG #lobby :".utf8) + [0xFF, 0xFE, 13, 10])
            #expect(try await irc.next("FAIL").parameters.prefix(2) == ["*", "INVALID_UTF8"])
            try await irc.send("FROBNICATE now")
            #expect(try await irc.next("421").parameters[1] == "FROBNICATE")
            try await irc.send("PRIV$MSG x")
            _ = try await irc.next("421")
            try await irc.send("USER again 0 * x")
            _ = try await irc.next("462")
            // Still fine.
            try await irc.send("PING :alive")
            #expect(try await irc.next("PONG").parameters.last == "alive")
        }
    }

    @Test func aFloodWaitsItsTurnNothingIsLostOrRefused() async throws {
        try await withServer({ $0.limits.rateBurst = 3; $0.limits.ratePerSecond = 4 }, flood)
    }

    func flood(_ server: TestServer) async throws {
        _ = try await server.user("alice")
        let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice")
        let pings = (1...20).map { "PING :p\($0)" }
        try await irc.send(pings.joined(separator: "\r\n"))
        _ = try await irc.next("the third PONG") { $0.command == "PONG" && $0.parameters.last == "p3" }
        // Past the burst, lines wait their turn (20 at 4 a second take
        // seconds), so the last is not answered yet…
        let early = irc.lines.contains { $0.command == "PONG" && $0.parameters.last == "p20" }
        #expect(!early)
        _ = try await irc.next("the last PONG") { $0.command == "PONG" && $0.parameters.last == "p20" }
        // …but every line is answered, in order, and none refused.
        let pongs: [String] = irc.lines.filter { $0.command == "PONG" }.compactMap { $0.parameters.last }
        #expect(pongs == pings.map { String($0.dropFirst(6)) })
        #expect(!irc.isClosed)
    }

    @Test func withGuestsOnANickWithoutAnAccountComesInAsAGuestLimitedToTheLobby() async throws {
        try await withServer({ $0.guestsEnabled = true }) { server in
            let bob = try await server.user("bob")
            _ = try await server.user("dev-owner").connection.createRoom("dev")
            let watcher = try await IRCClient.logIn(port: server.ircPort, name: "bob", capabilities: ["account-tag"])
            let guest = try await IRCClient.connect(port: server.ircPort)
            // An account's name is taken: another nick tries again.
            try await guest.send("NICK bob")
            try await guest.send("USER v 0 * :Visitor")
            #expect(try await guest.next("433").parameters[1] == "bob")
            try await guest.send("NICK visitor")
            #expect(try await guest.next("001").parameters.first == "visitor")
            // Marked as a guest: its host, and no account in WHOIS.
            #expect(try await guest.next("JOIN").source == "visitor!visitor@guest")
            _ = try await guest.next("366")
            _ = try await bob.log.first("a guest came") { if case .joined(.lobby, "visitor", false, true) = $0 { true } else { nil } }
            try await guest.send("WHOIS visitor")
            #expect(try await guest.next("311").parameters[3] == "guest")
            let whois = try await guest.lines(until: "318") { $0.command == "318" }
            #expect(!whois.contains { $0.command == "330" }, "a guest is logged in to no account")
            try await guest.send("PRIVMSG #lobby :hello as a guest")
            _ = try await bob.log.first("the guest's message") { if case .message(let m) = $0, m.sender == "visitor" { m } else { nil } }
            let heard = try await watcher.next("the guest's line") { $0.command == "PRIVMSG" && $0.parameters.last == "hello as a guest" }
            #expect(heard.source == "visitor!visitor@guest")
            #expect(!heard.tags.contains { $0.key == "account" }, "a guest's line names no account")
            // No rooms that keep guests out, no private chats; rooms of its own, which let guests in.
            try await guest.send("JOIN #dev")
            #expect(try await guest.next("FAIL").parameters.prefix(2) == ["JOIN", "ROOM_CLOSED_TO_GUESTS"])
            try await guest.send("JOIN #newroom")
            #expect(try await guest.next("JOIN").parameters == ["#newroom"])
            let second = try await IRCClient.connect(port: server.ircPort)
            try await second.send("NICK second")
            try await second.send("USER s 0 * :Second")
            _ = try await second.next("366")
            try await second.send("JOIN #newroom")
            #expect(try await second.next("JOIN").parameters == ["#newroom"], "a guest's room lets guests in")
            try await guest.send("PRIVMSG bob :psst")
            #expect(try await guest.next("FAIL").parameters.prefix(2) == ["PRIVMSG", "GUEST_NOT_ALLOWED"])
            // Gone when it leaves: the name is free for the next guest.
            try await guest.send("QUIT")
            try await guest.waitUntilClosed()
            _ = try await bob.log.first("the guest left") { if case .left(_, "visitor", _, true) = $0 { true } else { nil } }
            // (Its name is freed just after its departure is heard: a NICK
            // that comes first hears 433 and tries again.)
            let next = try await IRCClient.connect(port: server.ircPort)
            try await next.send("USER v 0 * :Visitor")
            var answer = ""
            for _ in 0..<100 where answer != "001" {
                try await next.send("NICK visitor")
                answer = try await next.next("an answer to NICK") { $0.command == "001" || $0.command == "433" }.command
            }
            #expect(answer == "001")
        }
    }

    @Test func aRoomsCreatorLetsGuestsInThroughTheServiceNick() async throws {
        try await withServer({ $0.guestsEnabled = true }) { server in
            _ = try await server.user("owner").connection.createRoom("dev")
            _ = try await server.user("other")
            let owner = try await IRCClient.logIn(port: server.ircPort, name: "owner", rooms: 2)
            let other = try await IRCClient.logIn(port: server.ircPort, name: "other")
            try await other.send("PRIVMSG parley :guests #dev on")
            #expect(try await other.next("NOTICE").parameters.last?.contains("Only the creator of dev") == true)
            try await owner.send("PRIVMSG parley :guests #lobby off")
            #expect(try await owner.next("NOTICE").parameters.last?.contains("The lobby takes guests when the server does") == true)
            try await owner.send("PRIVMSG parley :guests #dev on")
            #expect(try await owner.next("NOTICE").parameters.last == "Guests may join #dev now.")
            let guest = try await IRCClient.connect(port: server.ircPort)
            try await guest.send("NICK visitor")
            try await guest.send("USER v 0 * :Visitor")
            _ = try await guest.next("366")
            try await guest.send("JOIN #dev")
            #expect(try await guest.next("JOIN").parameters == ["#dev"])
        }
    }

    @Test func withGuestsOffANickWithoutAnAccountIsRefused() async throws {
        try await withServer { server in
            let irc = try await IRCClient.connect(port: server.ircPort)
            try await irc.send("NICK visitor")
            try await irc.send("USER v 0 * :Visitor")
            _ = try await irc.next("464")
            try await irc.waitUntilClosed()
        }
    }

    @Test func theServiceNickDoesWhatIRCHasNoCommandFor() async throws {
        try await withServer { server in
            let bob = try await server.user("bob")
            _ = try await server.user("alice")
            let irc = try await IRCClient.logIn(port: server.ircPort, name: "alice")
            try await irc.send("PRIVMSG parley :help")
            #expect(try await irc.next("NOTICE").source == "parley!parley@parley")
            try await irc.send("PRIVMSG parley :friend add bob")
            #expect(try await irc.next("the answer") { $0.command == "NOTICE" && $0.parameters.last == "Asked bob to be your friend." }.parameters.first == "alice")
            _ = try await bob.log.first("alice's request") { if case .friendRequest(from: "alice") = $0 { true } else { nil } }
            try await bob.connection.acceptFriend("alice")
            _ = try await irc.next("friendship") { $0.command == "NOTICE" && $0.parameters.last?.contains("friends now") == true }
            try await irc.send("PRIVMSG parley :create #plans Where we plan")
            #expect(try await irc.next("JOIN").parameters == ["#plans"])
            #expect(try await irc.next("332").parameters.last == "Where we plan")
            try await irc.send("PRIVMSG parley :files #plans")
            #expect(try await irc.next("NOTICE") { $0.parameters.last?.contains("Nothing was shared") == true }.parameters.first == "alice")
            try await irc.send("PRIVMSG parley :dance")
            #expect(try await irc.next("NOTICE") { $0.parameters.last?.contains("help") == true }.parameters.first == "alice")
        }
    }
}
