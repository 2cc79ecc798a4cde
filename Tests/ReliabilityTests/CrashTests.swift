import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Synchronization
import Testing

/// The server is killed with SIGKILL in the middle of traffic and started
/// again on the same data: nothing acknowledged is lost, nothing is stored
/// twice, and clients come back by themselves to exactly the history.
@Suite(.serialized) struct CrashTests {
    let directory = TestServer.makeDataDirectory()
    /// The server keeps its certificate across restarts.
    var options: ParleyConnection.Options { get throws { try .trusting(dataDirectory: directory + "/data") } }

    func startServer(port: Int = 0) throws -> (ServerProcess, Int) {
        let config = directory + "/parley.toml"
        try """
            [limits]
            # The suite shares two cores: a first hello may wait for the CPU.
            hello_timeout_seconds = 60
            login_timeout_seconds = 60
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

    /// Four senders, each with six lanes of sends in flight at once, keep
    /// sending through the kill and after the restart, so that the
    /// watchers' catching up interleaves with live messages.
    @Test func killNineUnderLiveTrafficLosesNothingAcknowledgedAndClientsCatchUpExactly() async throws {
        var (server, port) = try startServer()
        var watchers: [HeadlessClient] = []
        for name in ["wanda", "walt", "wes"] {
            watchers.append(try await HeadlessClient(port: port, options: try options, name: name, register: true))
        }
        let traffic = Traffic()
        let trusted = try options
        let links = (0..<4).map { SenderLink(name: "sender\($0)", port: port, options: trusted) }
        var lanes: [Task<Void, Never>] = []
        for (index, link) in links.enumerated() {
            for lane in 0..<6 {
                lanes.append(Task { await traffic.run(lane: "s\(index)-\(lane)", over: link) })
            }
        }
        try await traffic.wait(for: "400 acknowledged before the kill", until: 400)
        kill(server.process.processIdentifier, SIGKILL)
        _ = server.finish()
        let beforeRestart = traffic.acknowledgedCount
        (server, _) = try startServer(port: port)
        defer { server.process.terminate(); _ = server.finish() }
        try await traffic.wait(for: "300 more acknowledged after the restart", until: beforeRestart + 300, timeout: .seconds(60))
        traffic.stop()
        for lane in lanes { await lane.value }
        #expect(traffic.failedCount > 0, "sends were in flight when the server died")

        let history = try await fullLobbyHistory(port: port)
        let ids = history.map(\.id)
        #expect(Set(ids).count == ids.count, "nothing stored twice")
        #expect(Set(history.map(\.text)).count == history.count, "no message text twice")
        if let first = ids.first, let last = ids.last {
            #expect(ids == Array(first...last), "ids without gaps")
        }
        let stored = Dictionary(uniqueKeysWithValues: history.map { ($0.id, $0) })
        let acked = traffic.acknowledged
        let changed = acked.filter { stored[$0.id] != $0 }
        #expect(changed.isEmpty, "acknowledged but lost or changed: \(changed.prefix(5))")
        // Each lane's messages are in its order; of those never acknowledged,
        // only one whose send failed when the server died may be stored.
        let ackedTexts = Set(acked.map(\.text))
        let failed = traffic.failedTexts
        for lane in traffic.laneNames {
            let mine = history.filter { $0.text.hasPrefix(lane + "-") }
            let numbers = mine.map { Int($0.text.split(separator: "-")[2])! }
            #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count, "\(lane) in order")
            let unacknowledged = mine.filter { !ackedTexts.contains($0.text) }
            #expect(unacknowledged.count <= 1 && unacknowledged.allSatisfy { failed.contains($0.text) },
                    "\(lane): stored but never acknowledged: \(unacknowledged.map(\.text))")
        }

        // The watchers reconnect by themselves and end with exactly the
        // history: the same messages (sender, text, conversation), in order.
        let caughtUp = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < caughtUp, !watchers.allSatisfy({ $0.isOnline && $0.lobbyMessages == history }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        for watcher in watchers {
            #expect(watcher.isOnline, "\(watcher.name) is back")
            let shown = watcher.lobbyMessages
            #expect(shown == history, "\(watcher.name) has the history, nothing twice, nothing missing: \(shown.count) of \(history.count)")
            await watcher.stop()
        }
        for link in links { await link.close() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// bob has waiting private messages; his login's welcome carries them,
    /// and the server dies before his client says it has them: they wait
    /// still after the restart, until it does.
    @Test func killNineBetweenTheWelcomeAndItsAcknowledgementLosesNoWaitingMessage() async throws {
        var (server, port) = try startServer()
        defer { server.process.terminate(); _ = server.finish() }
        let (alice, _) = try await ParleyConnection.open(host: "127.0.0.1", port: port, name: "alice", password: "correct horse", register: true, options: try options)
        let (bob, _) = try await ParleyConnection.open(host: "127.0.0.1", port: port, name: "bob", password: "correct horse", register: true, options: try options)
        try await alice.requestFriend("bob")
        try await bob.acceptFriend("alice")
        await bob.close()
        // alice's sends are stored as waiting only once bob is offline.
        var sent: [ChatMessage] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while (try await alice.friends()).friends.first?.online != false {
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: "bob offline") }
            try await Task.sleep(for: .milliseconds(10))
        }
        for i in 1...5 { sent.append(try await alice.send("waiting \(i)", to: .direct("bob"))) }
        let (first, welcome) = try await ParleyConnection.open(host: "127.0.0.1", port: port, name: "bob", password: "correct horse", options: try options)
        #expect(welcome.away.map(\.id) == sent.map(\.id))
        kill(server.process.processIdentifier, SIGKILL)
        _ = server.finish()
        await first.close()
        await alice.close()

        (server, _) = try startServer(port: port)
        let (again, after) = try await ParleyConnection.open(host: "127.0.0.1", port: port, name: "bob", password: "correct horse", options: try options)
        #expect(after.away.map(\.id) == sent.map(\.id), "all still waiting")
        #expect(after.away.map(\.text) == sent.map(\.text))
        try await again.awayReceived(through: sent.last!.id)
        await again.close()
        let (last, latest) = try await ParleyConnection.open(host: "127.0.0.1", port: port, name: "bob", password: "correct horse", takeOver: true, options: try options)
        #expect(latest.away.isEmpty, "delivered once acknowledged")
        await last.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func fullLobbyHistory(port: Int) async throws -> [ChatMessage] {
        let (reader, _) = try await ParleyConnection.open(
            host: "127.0.0.1", port: port, name: "reader", password: "correct horse", register: true, createIfMissing: true,
            options: try options
        )
        let messages = try await reader.wholeHistory(of: .lobby)
        await reader.close()
        return messages
    }
}

/// What the lanes of the crash test sent: acknowledged messages, and the
/// texts whose send failed (the server died or was down).
private final class Traffic: Sendable {
    private struct State {
        var acknowledged: [ChatMessage] = []
        var failed: Set<String> = []
        var lanes: [String] = []
        var stopped = false
    }

    private let state = Mutex(State())

    var acknowledged: [ChatMessage] { state.withLock { $0.acknowledged } }
    var acknowledgedCount: Int { state.withLock { $0.acknowledged.count } }
    var failedTexts: Set<String> { state.withLock { $0.failed } }
    var failedCount: Int { state.withLock { $0.failed.count } }
    var laneNames: [String] { state.withLock { $0.lanes } }

    func stop() { state.withLock { $0.stopped = true } }

    /// Sends LANE-0, LANE-1, … one after another until stopped; a failed
    /// send is not repeated, the next number goes once the link is back.
    func run(lane: String, over link: SenderLink) async {
        state.withLock { $0.lanes.append(lane) }
        var number = 0
        while !state.withLock({ $0.stopped }) {
            let text = "\(lane)-\(number)"
            number += 1
            do {
                let connection = try await link.connection()
                do {
                    let message = try await connection.send(text)
                    state.withLock { $0.acknowledged.append(message) }
                } catch {
                    state.withLock { _ = $0.failed.insert(text) }
                    await link.broken(connection)
                }
            } catch {
                // The server stays down past the link's patience: the test's waits report it.
                return
            }
        }
    }

    func wait(for description: String, until count: Int, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while acknowledgedCount < count {
            guard ContinuousClock.now < deadline else { throw TimedOut(waitingFor: description) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// One sender's connection, shared by its lanes, opened again (once for
/// all of them) after it breaks.
private actor SenderLink {
    let name: String
    let port: Int
    let options: ParleyConnection.Options
    private var opening: Task<ParleyConnection, any Error>?

    init(name: String, port: Int, options: ParleyConnection.Options) {
        self.name = name
        self.port = port
        self.options = options
    }

    func connection() async throws -> ParleyConnection {
        if let opening { return try await opening.value }
        let (name, port, options) = (self.name, self.port, self.options)
        let task = Task {
            // Until the server is back: a refused connection fails at once.
            let deadline = ContinuousClock.now + .seconds(30)
            while true {
                do {
                    return try await ParleyConnection.open(
                        host: "127.0.0.1", port: port, name: name, password: "correct horse",
                        register: true, createIfMissing: true, takeOver: true, options: options
                    ).0
                } catch {
                    guard ContinuousClock.now < deadline else { throw error }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        opening = task
        return try await task.value
    }

    func broken(_ connection: ParleyConnection) async {
        guard let opening, let current = try? await opening.value, current === connection else { return }
        self.opening = nil
        await connection.close()
    }

    func close() async {
        if let connection = try? await opening?.value { await connection.close() }
    }
}
