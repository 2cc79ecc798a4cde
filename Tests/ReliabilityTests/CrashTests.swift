import Foundation
import ParleyClient
import ParleyProtocol
import ParleyTestSupport
import Synchronization
import Testing

/// The server is killed with SIGKILL in the middle of traffic and started
/// again on the same data: nothing acknowledged is lost, nothing is stored
/// twice, and clients come back by themselves to exactly the history.
@Suite(.serialized) struct CrashTests {
    let directory = TestServer.makeDataDirectory()

    func startServer(port: Int = 0) throws -> (ServerProcess, Int) {
        let config = directory + "/parley.toml"
        try """
            [limits]
            rate_burst = 100000
            rate_per_second = 100000
            [robot]
            enabled = false
            [password_hash]
            log_n = 10
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess([
            "--port", "\(port)", "--data-dir", directory + "/data", "--config", config, "--log-level", "error",
        ])
        return (server, try #require(try server.waitForListeningPort()))
    }

    @Test func killNineLosesNothingAcknowledgedAndClientsCatchUpExactly() async throws {
        var (server, port) = try startServer()
        var watchers: [HeadlessClient] = []
        for name in ["wanda", "walt", "wes"] {
            watchers.append(try await HeadlessClient(port: port, name: name, register: true))
        }
        let acknowledged = Acknowledged()
        var senders: [Task<Void, Never>] = []
        for index in 0..<4 {
            let (connection, _) = try await ParleyConnection.open(
                host: "127.0.0.1", port: port, name: "sender\(index)", password: "correct horse", register: true
            )
            senders.append(Task {
                var number = 0
                while true {
                    guard let message = try? await connection.send("s\(index)-\(number)") else { return }
                    acknowledged.messages.withLock { $0.append(message) }
                    number += 1
                }
            })
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while acknowledged.messages.withLock({ $0.count }) < 400 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(server.process.processIdentifier, SIGKILL)
        _ = server.finish()
        for sender in senders { await sender.value }
        let acked = acknowledged.messages.withLock { $0 }
        #expect(acked.count >= 400, "traffic was under way when the server died")

        (server, _) = try startServer(port: port)
        defer { server.process.terminate(); _ = server.finish() }
        let history = try await fullLobbyHistory(port: port)
        let ids = history.map(\.id)
        #expect(Set(ids).count == ids.count, "nothing stored twice")
        #expect(Set(history.map(\.text)).count == history.count, "no message text twice")
        if let first = ids.first, let last = ids.last {
            #expect(ids == Array(first...last), "ids without gaps")
        }
        let stored = Dictionary(uniqueKeysWithValues: history.map { ($0.id, $0) })
        let missing = acked.filter { stored[$0.id] != $0 }
        #expect(missing.isEmpty, "acknowledged but lost or changed: \(missing.prefix(5))")
        // Each sender's messages are in its order, without a hole: at most
        // the one unacknowledged message it was sending may follow.
        for index in 0..<4 {
            let numbers = history.filter { $0.sender == "sender\(index)" }.map { Int($0.text.split(separator: "-")[1])! }
            #expect(numbers == Array(0..<numbers.count))
            let ackedCount = acked.count { $0.sender == "sender\(index)" }
            #expect(numbers.count == ackedCount || numbers.count == ackedCount + 1)
        }

        // The watchers reconnect by themselves and end with exactly the history.
        let caughtUp = ContinuousClock.now + .seconds(40)
        while ContinuousClock.now < caughtUp, !watchers.allSatisfy({ $0.isOnline && $0.lobbyMessageIDs == ids }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        for watcher in watchers {
            #expect(watcher.isOnline, "\(watcher.name) is back")
            #expect(watcher.lobbyMessageIDs == ids, "\(watcher.name) has the history, nothing twice, nothing missing")
            await watcher.stop()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func fullLobbyHistory(port: Int) async throws -> [ChatMessage] {
        let (reader, _) = try await ParleyConnection.open(
            host: "127.0.0.1", port: port, name: "reader", password: "correct horse", register: true, createIfMissing: true
        )
        let messages = try await reader.wholeHistory(of: .lobby)
        await reader.close()
        return messages
    }
}

private final class Acknowledged: Sendable {
    let messages = Mutex<[ChatMessage]>([])
}
