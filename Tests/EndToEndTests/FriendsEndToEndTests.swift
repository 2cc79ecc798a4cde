import Foundation
import ParleyTestSupport
import Testing

/// Friends and private chats through the real client in tmux.
@Suite struct FriendsEndToEndTests {
    let directory = TestServer.makeDataDirectory()

    @Test func friendsThroughTheUIAPopupThatOpensByItselfAndAMessageWhileAway() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let server = try ServerProcess(["--port", "0", "--data-dir", directory + "/data", "--log-level", "warning"])
        let port = try #require(try server.waitForListeningPort())
        let configHome = directory + "/config"

        try tmux.start("alice", command: ParleyCommand.chat(user: "alice", port: port, configHome: configHome))
        try await tmux.wait("alice", for: "alice@127.0.0.1:\(port) · online")
        try tmux.start("bob", command: ParleyCommand.chat(user: "bob", port: port, configHome: configHome))
        try await tmux.wait("bob", for: "bob@127.0.0.1:\(port) · online")

        // alice asks with a command; bob answers from the friends pane.
        try tmux.type("alice", "/friend add bob")
        try tmux.send("alice", "Enter")
        try await tmux.wait("bob", for: "? alice asks")
        try tmux.send("bob", "F2")
        try await tmux.wait("bob", for: "Friends (Esc)")
        try tmux.type("bob", "a")
        try await tmux.wait("alice", for: "You and bob are friends now.")
        try tmux.send("bob", "Escape")
        try await tmux.wait("bob", for: "Friends (1)")

        // A private message opens its window on bob's screen by itself.
        try tmux.type("alice", "/msg bob psst 🤫")
        try tmux.send("alice", "Enter")
        try await tmux.wait("bob", for: "─ alice · online")
        try await tmux.wait("bob", for: "alice: psst 🤫")

        // carol is a friend but offline; what alice sends waits for her.
        let (status, _, errors) = try ParleyCommand.script(["friend", "add", "alice"], user: "carol", port: port, configHome: configHome)
        #expect(status == 0, "\(errors)")
        try await tmux.wait("alice", for: "? carol asks")
        try tmux.type("alice", "/friend accept carol")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "○ carol")
        try tmux.type("alice", "/msg carol while you were out 🌙")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "alice: while you were out 🌙")

        try tmux.start("carol", command: ParleyCommand.chat(user: "carol", port: port, configHome: configHome))
        try await tmux.wait("carol", for: "─ alice · online")
        try await tmux.wait("carol", for: "alice: while you were out 🌙")

        server.process.terminate()
        _ = server.finish()
    }
}
