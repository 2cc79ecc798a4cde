import Foundation
import ParleyClient
import ParleyTestSupport
import Testing

/// Friends and private chats through the real client in tmux.
@Suite struct FriendsEndToEndTests {
    let directory = TestServer.makeDataDirectory()

    @Test func friendsThroughTheUIAPopupThatOpensByItselfAndAMessageWhileAway() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let (server, port) = try ServerProcess.started(in: directory)
        let configHome = directory + "/config"

        try await tmux.logIn("alice", "bob", port: port, configHome: configHome)

        // alice asks with a command; bob answers from the friends pane.
        try tmux.type("alice", "/friend add bob")
        try tmux.send("alice", "Enter")
        try await tmux.wait("bob", for: "? alice asks")
        // The request shows on alice's side at once, not at her next login.
        try await tmux.wait("alice", for: "… bob")
        try tmux.send("bob", "F2")
        try await tmux.wait("bob", for: "Friends (Esc)")
        try tmux.type("bob", "a")
        try await tmux.wait("alice", for: "You and bob are friends now.")
        try tmux.send("bob", "Escape")
        try await tmux.wait("bob", for: "Friends (1)")

        // bob pressed a key a moment ago: the private message does not take
        // his keys; it is a notice, and F3 opens it. (A slow run may have
        // let bob be idle long enough for it to open by itself.)
        try tmux.type("alice", "/msg bob psst 🤫")
        try tmux.send("alice", "Enter")
        try await tmux.wait("bob", until: "a notice or the window") { $0.contains("F3 opens") || $0.contains("─ alice · online") }
        if try tmux.screen("bob").contains("F3 opens") { try tmux.send("bob", "F3") }
        try await tmux.wait("bob", for: "─ alice · online")
        try await tmux.wait("bob", for: "alice: psst 🤫")

        // erin asks; alice declines: her pane and /friends drop it at once,
        // and erin's list does too.
        let (asked, _, askErrors) = try await ParleyCommand.script(["friend", "add", "alice"], user: "erin", port: port, configHome: configHome)
        #expect(asked == 0, "\(askErrors)")
        try await tmux.wait("alice", for: "? erin asks")
        try tmux.type("alice", "/friend decline erin")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", until: "erin's request gone") { !$0.contains("erin asks") && $0.contains("Declined erin") }
        try tmux.type("alice", "/friends")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "-- friends: bob (online)")
        #expect(!(try tmux.screen("alice")).contains("erin asks to be"))

        // carol is a friend but offline; what alice sends waits for her.
        let (status, _, errors) = try await ParleyCommand.script(["friend", "add", "alice"], user: "carol", port: port, configHome: configHome)
        #expect(status == 0, "\(errors)")
        try await tmux.wait("alice", for: "? carol asks")
        try tmux.type("alice", "/friend accept carol")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "○ carol")
        try tmux.type("alice", "/msg carol while you were out 🌙")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "alice: while you were out 🌙")

        // carol has not touched a key: the waiting message opens its window by itself.
        try await tmux.logIn("carol", port: port, configHome: configHome)
        try await tmux.wait("carol", for: "─ alice · online")
        try await tmux.wait("carol", for: "alice: while you were out 🌙")

        // The chat started with PARLEY_PASSWORD tells the server the waiting
        // message is shown (it skipped the login's effects, and the message
        // came again at every start). carol's requests run in order, so once
        // alice hears carol's answer, that was recorded before it.
        try tmux.type("carol", "got it")
        try tmux.send("carol", "Enter")
        try await tmux.wait("alice", for: "carol: got it")
        let (again, welcome) = try await ParleyConnection.open(
            host: "127.0.0.1", port: port, name: "carol", password: "password-of-carol", takeOver: true, options: server.options
        )
        #expect(welcome.away.isEmpty, "\(welcome.away)")
        await again.close()

        server.process.terminate()
        _ = server.finish()
    }
}
