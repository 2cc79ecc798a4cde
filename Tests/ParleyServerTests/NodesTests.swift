import Foundation
import ParleyClient
import ParleyDomain
import ParleyPostgres
import ParleyTestSupport
import Testing

/// Two servers (nodes) on one PostgreSQL database: what they share now
/// (docs/SCALING.md). Each test makes a database of its own.
@Suite struct NodesTests {
    let scratch = TestServer.makeDataDirectory()

    /// Two nodes on one new database, sharing a files directory.
    func twoNodes() async throws -> (TestServer, TestServer) {
        let url = try DatabaseURL(try await PostgresCluster.shared().newDatabase())
        let files = scratch + "/shared-files"
        func node() async throws -> TestServer {
            try await TestServer.start { configuration in
                configuration.databaseURL = url
                configuration.filesDirectory = files
            }
        }
        return (try await node(), try await node())
    }

    @Test func aFileUploadedThroughOneNodeDownloadsThroughTheOtherResumably() async throws {
        let (first, second) = try await twoNodes()
        let alice = try await first.user("alice")
        let path = scratch + "/notes.txt"
        let whole = Data(String(repeating: "a line of notes 📝\n", count: 4000).utf8)
        try whole.write(to: URL(fileURLWithPath: path))
        let file = try await alice.connection.upload(file: path, to: .lobby)

        let bob = try await second.user("bob")
        #expect(try await bob.connection.files(in: .lobby) == [file])
        // The first bytes are there already, as a download cut off on the
        // first node leaves them.
        let directory = scratch + "/bob"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try whole.prefix(10_000).write(to: URL(fileURLWithPath: DownloadPlace.partPath(of: file.id, in: directory)))
        let got = try await bob.connection.download(file, into: directory)
        #expect(try Data(contentsOf: URL(fileURLWithPath: got)) == whole)
        await first.finish()
        await second.finish()
    }

    @Test func anAccountMadeOnOneNodeLogsInOnTheOtherWithItsPasswordOrItsToken() async throws {
        let (first, second) = try await twoNodes()
        let alice = try await first.user("alice")
        let token = try #require(alice.welcome.token)
        await first.finish()
        let again = try await second.connect()
        #expect(try await again.resume(name: "alice", token: token).user == "alice")
        let withPassword = try await second.connect()
        #expect(try await withPassword.logIn(name: "alice", password: "correct horse").user == "alice")
        await second.finish()
    }
}
