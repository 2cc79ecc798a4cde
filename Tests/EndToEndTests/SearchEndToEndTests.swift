import Foundation
import ParleyClient
import ParleyTestSupport
import Testing

/// Search in the real client, in tmux: Ctrl+F, type, Enter shows the hit
/// in place with the history around it, Esc goes back to the newest.
@Suite struct SearchEndToEndTests {
    let directory = TestServer.makeDataDirectory()

    @Test func ctrlFFindsAnOldMessageAndEnterShowsItInPlace() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let (server, port) = try ServerProcess.started(in: directory, limits: "rate_burst = 1000\nrate_per_second = 1000")
        defer {
            server.process.terminate()
            _ = server.finish()
        }
        let configHome = directory + "/config"
        let (writer, _) = try await ParleyConnection.open(
            host: "127.0.0.1", port: port, name: "writer", password: "password-of-writer", register: true, options: server.options
        )
        for n in 1...300 {
            try await writer.send(n == 20 ? "the needle is in the haystack" : "filler \(n)")
        }
        await writer.close()

        try await tmux.logIn("alice", port: port, configHome: configHome)
        try await tmux.wait("alice", for: "filler 300")
        try tmux.send("alice", "C-f")
        try await tmux.wait("alice", for: "Search your conversations")
        try tmux.type("alice", "NEEDLE hay")
        try await tmux.wait("alice", for: "«needle»")
        let popup = try tmux.screen("alice")
        #expect(popup.contains("1 found") && popup.contains("lobby writer: the «needle» is in the «hay»stack"), "\(popup)")

        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", until: "the hit shown in place") { screen in
            screen.contains("the needle is in the haystack") && screen.contains("filler 19") && !screen.contains("filler 300")
        }
        #expect(try tmux.screen("alice").contains("Esc goes back"))
        try tmux.send("alice", "Escape")
        try await tmux.wait("alice", until: "the newest again") { screen in
            screen.contains("filler 300") && !screen.contains("the needle is in the haystack")
        }
    }
}
