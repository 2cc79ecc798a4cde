import Foundation
import ParleyClient
import ParleyTestSupport
import Testing

/// `parley --server A,B`: two `parley-server` nodes on one PostgreSQL; the
/// chat's node is killed and it carries on through the other.
@Suite(.serialized) struct FailoverEndToEndTests {
    let directory = TestServer.makeDataDirectory()

    @Test func whenItsNodeIsKilledTheChatReconnectsToAnotherAndCatchesUp() async throws {
        let url = try await PostgresCluster.shared().newDatabase()
        let settings = "database_url = \"\(url)\""
        for node in ["a", "b"] { try FileManager.default.createDirectory(atPath: directory + "/" + node, withIntermediateDirectories: true) }
        // Each node migrates or checks the database as it starts: seconds
        // of waiting, off the concurrency pool.
        let directory = directory
        let (first, firstPort) = try await onOwnThread { try ServerProcess.started(in: directory + "/a", settings: settings) }
        let (second, secondPort) = try await onOwnThread { try ServerProcess.started(in: directory + "/b", settings: settings) }
        defer {
            second.process.terminate()
            _ = second.finish()
        }
        // Each node has a certificate of its own here; the person has
        // trusted both (nodes behind one name would share one).
        let configHome = directory + "/a/config"
        try KnownServers(path: configHome + "/parley/known_servers")
            .pin(try #require(second.fingerprint), for: ServerAddress(host: "127.0.0.1", port: secondPort))

        let tmux = Tmux()
        defer { tmux.kill() }
        let servers = "127.0.0.1:\(firstPort),127.0.0.1:\(secondPort)"
        try tmux.start("alice", command: ParleyCommand.chat(user: "alice", servers: servers, configHome: configHome))
        try await tmux.wait("alice", for: "alice@\(servers) · online", timeout: .seconds(60))
        try tmux.type("alice", "before the failover")
        try tmux.send("alice", "Enter")
        try await tmux.wait("alice", for: "alice: before the failover")

        // The first node dies without a word; the second is the one left.
        kill(first.process.processIdentifier, SIGKILL)
        try await first.process.exit(within: .seconds(30))
        try await tmux.wait("alice", for: "reconnected", timeout: .seconds(60))
        try await tmux.wait("alice", for: "alice@\(servers) · online")

        let (status, _, errors) = try await ParleyCommand.script(
            ["send", "sent through the second node"], user: "carol", port: secondPort, configHome: configHome
        )
        #expect(status == 0, "parley send: \(errors)")
        try await tmux.wait("alice", for: "carol: sent through the second node", timeout: .seconds(40))
        let screen = try tmux.screen("alice")
        #expect(screen.components(separatedBy: "alice: before the failover").count == 2, "once, not twice after catching up")
    }
}
