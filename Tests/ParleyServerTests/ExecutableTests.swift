import Foundation
import ParleyClient
import ParleyTestSupport
import Testing

@Suite struct ExecutableTests {
    let directory = TestServer.makeDataDirectory()

    @Test func itListensOnTheRealPortAndStopsCleanlyOnSIGTERM() async throws {
        let config = directory + "/deadlines.toml"
        try ServerProcess.relaxedDeadlines.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(["--port", "0", "--data-dir", directory + "/data", "--config", config])
        let port = try #require(try server.waitForListeningPort())
        #expect(port > 0)
        let connection = try await ParleyConnection.connect(host: "127.0.0.1", port: port, options: server.options)
        try await connection.register(name: "alice", password: "long enough")
        server.process.terminate()
        let (status, _) = server.finish()
        #expect(status == 0)
        #expect(FileManager.default.fileExists(atPath: directory + "/data/parley.sqlite"), "the data directory was created")
    }

    @Test func aPortInUseIsNamedWithAHint() async throws {
        let first = try ServerProcess(["--port", "0", "--data-dir", directory + "/one"])
        let port = try #require(try first.waitForListeningPort())
        let second = try ServerProcess(["--port", "\(port)", "--data-dir", directory + "/two"])
        let (status, errors) = second.finish()
        #expect(status != 0)
        #expect(errors.contains("127.0.0.1:\(port)"))
        #expect(errors.contains("address already in use"))
        first.process.interrupt()
        #expect(first.finish().status == 0)
    }

    @Test func anIRCPortInUseIsNamedAndNothingIsLeftRunning() async throws {
        let first = try ServerProcess(["--port", "0", "--data-dir", directory + "/one"])
        _ = try #require(try first.waitForListeningPort())
        let taken = try #require(first.ircPort)
        let second = try ServerProcess(["--port", "0", "--irc-port", "\(taken)", "--data-dir", directory + "/two"])
        let (status, errors) = second.finish()
        #expect(status == 1, "a refusal, not a crash: \(errors)")
        #expect(errors.contains("irc_port (--irc-port)"))
        #expect(errors.contains("address already in use"))
        first.process.interrupt()
        #expect(first.finish().status == 0)
    }

    @Test func withTheIRCDoorOffOnlyTheParleyPortListensAndTheServerStopsCleanly() async throws {
        let config = directory + "/no-irc.toml"
        try ("irc = false\n" + ServerProcess.relaxedDeadlines).write(toFile: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(["--config", config, "--port", "0", "--data-dir", directory + "/no-irc"])
        let port = try #require(try server.waitForListeningPort())
        #expect(server.ircPort == nil)
        let connection = try await ParleyConnection.connect(host: "127.0.0.1", port: port, options: server.options)
        try await connection.register(name: "alice", password: "long enough")
        server.process.terminate()
        let (status, errors) = server.finish()
        #expect(status == 0, "\(errors)")
    }

    @Test func aDatabaseThatIsNotThereIsNamedWithTheSetting() async throws {
        let url = try await PostgresCluster.shared().url(of: "not_made")
        let directory = directory
        let (status, errors) = try await onOwnThread { try ServerProcess(["--port", "0", "--data-dir", directory + "/pg", "--database-url", url]).finish() }
        #expect(status == 1, "\(errors)")
        #expect(errors.contains(#"database "not_made" does not exist"#))
        #expect(errors.contains("--database-url"))
    }

    @Test func aBadDatabaseURLIsRefusedBeforeAnythingStarts() throws {
        let (status, errors) = try ServerProcess(["--port", "0", "--data-dir", directory + "/pg", "--database-url", "postgres://db.example.org/chat"]).finish()
        #expect(status == 1)
        #expect(errors.contains("names no user"))
    }

    @Test func aCorruptDatabaseIsNamed() throws {
        try FileManager.default.createDirectory(atPath: directory + "/bad", withIntermediateDirectories: true)
        let file = directory + "/bad/parley.sqlite"
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: URL(fileURLWithPath: file))
        let (status, errors) = try ServerProcess(["--port", "0", "--data-dir", directory + "/bad"]).finish()
        #expect(status != 0)
        #expect(errors.contains(file))
    }

    @Test func theConfigFileIsReadAndFlagsWin() throws {
        let config = directory + "/parley.toml"
        try """
            port = 1
            data_dir = "\(directory)/from-file"
            [limits]
            max_message_chars = 500
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try ServerProcess(["--config", config, "--port", "0"])
        #expect(try server.waitForListeningPort() != 1)
        server.process.terminate()
        #expect(server.finish().status == 0)
        #expect(FileManager.default.fileExists(atPath: directory + "/from-file/parley.sqlite"))
    }

    @Test func aBadConfigFileIsNamedWithTheSetting() throws {
        let config = directory + "/typo.toml"
        try "[limits]\nmax_mesage_chars = 5\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (status, errors) = try ServerProcess(["--config", config, "--port", "0"]).finish()
        #expect(status != 0)
        #expect(errors.contains("unknown setting limits.max_mesage_chars"))
    }
}
