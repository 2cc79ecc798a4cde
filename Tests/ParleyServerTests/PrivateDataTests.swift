import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import Testing

/// The data directory holds private messages and files: only the server's
/// user may read it (docs/SECURITY.md).
@Suite struct PrivateDataTests {
    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1
    }

    @Test(.enabled(if: TestStore.current == .sqlite, "reads the SQLite file")) func whatTheServerMakesOnlyItsUserMayRead() async throws {
        let directory = TestServer.makeDataDirectory()
        chmod(directory, 0o755)
        let server = try await TestServer.start(dataDirectory: directory)
        let alice = try await server.user("alice")
        let local = NSTemporaryDirectory() + "parley-private-\(UUID().uuidString).txt"
        try "between us".write(toFile: local, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: local) }
        let file = try await alice.connection.upload(file: local, to: .lobby)

        #expect(mode(directory) == 0o700)
        #expect(mode(directory + "/files") == 0o700)
        #expect(mode(directory + "/parley.sqlite") == 0o600)
        #expect(mode(directory + "/parley.sqlite-wal") == 0o600)
        #expect(mode(directory + "/files/\(file.id)") == 0o600)
        await server.finish()
    }

    /// A directory made by an older version is tightened at start.
    @Test(.enabled(if: TestStore.current == .sqlite, "reads the SQLite file")) func anOpenDirectoryIsTightenedAtStart() async throws {
        let directory = TestServer.makeDataDirectory()
        let first = try await TestServer.start(dataDirectory: directory)
        await first.server.shutdown()
        try "old bytes".write(toFile: directory + "/files/99", atomically: false, encoding: .utf8)
        for (path, mode) in [(directory, 0o755), (directory + "/files", 0o755), (directory + "/parley.sqlite", 0o644), (directory + "/files/99", 0o644)] {
            chmod(path, mode_t(mode))
        }
        let again = try await TestServer.start(dataDirectory: directory)
        #expect(mode(directory) == 0o700)
        #expect(mode(directory + "/files") == 0o700)
        #expect(mode(directory + "/parley.sqlite") == 0o600)
        #expect(mode(directory + "/files/99") == 0o600)
        await again.finish()
    }
}
