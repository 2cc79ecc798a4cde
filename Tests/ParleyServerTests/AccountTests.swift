import GRDB
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Testing

@Suite struct AccountTests {
    @Test func registerAndLogIn() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("Alice")
        #expect(alice.welcome.user == "Alice")
        #expect(alice.welcome.lobby?.members.filter(\.online).map(\.name) == ["Alice", "robot"])
        #expect(alice.welcome.rooms.map(\.name) == [.lobby])
        await server.finish()
    }

    @Test func loginErrorsHaveTheirCodes() async throws {
        let server = try await TestServer.start()
        _ = try await server.user("alice", password: "right password")
        let other = try await server.connect()
        #expect(await rejectionCode { _ = try await other.logIn(name: "alice", password: "wrong password") } == .authBadPassword)
        // Nobody learns which names exist by trying them.
        #expect(await rejectionCode { _ = try await other.logIn(name: "nobody", password: "whatever1") } == .authBadPassword)
        await server.finish()
    }

    @Test func aNameThatLooksLikeATakenOneIsTaken() async throws {
        let server = try await TestServer.start()
        let connection = try await server.connect()
        try await connection.register(name: "alice", password: "long enough")
        do {
            try await connection.register(name: "\u{0430}lice", password: "long enough")
            Issue.record("a Cyrillic а passed as a new name")
        } catch let error as ParleyClientError {
            #expect(error.code == .nameTaken)
            #expect(error.description.contains("looks too much like \"alice\""), "\(error)")
        }
        #expect(await rejectionCode { try await connection.register(name: "aIice", password: "long enough") } == .nameTaken)
        try await connection.register(name: "alina", password: "long enough")
        await server.finish()
    }

    /// Users made before skeletons were kept get theirs at the next start.
    @Test(.enabled(if: TestStore.current == .sqlite, "reads the SQLite file")) func olderUsersGetTheirSkeletonAtStart() async throws {
        let directory = TestServer.makeDataDirectory()
        var server = try await TestServer.start(dataDirectory: directory)
        let connection = try await server.connect()
        try await connection.register(name: "mallory", password: "long enough")
        await connection.close()
        await server.stop()
        let database = try DatabaseQueue(path: directory + "/parley.sqlite")
        try await database.write { try $0.execute(sql: "UPDATE user SET skeleton = NULL") }
        try database.close()
        server = try await TestServer.start(dataDirectory: directory)
        let again = try await server.connect()
        #expect(await rejectionCode { try await again.register(name: "ma11ory", password: "long enough") } == .nameTaken)
        await server.finish()
    }

    @Test func registrationErrorsHaveTheirCodes() async throws {
        let server = try await TestServer.start()
        let connection = try await server.connect()
        try await connection.register(name: "Alice", password: "long enough")
        #expect(await rejectionCode { try await connection.register(name: "Alice", password: "long enough") } == .nameTaken)
        #expect(await rejectionCode { try await connection.register(name: "aLiCe", password: "long enough") } == .nameTaken)
        #expect(await rejectionCode { try await connection.register(name: "Robot", password: "long enough") } == .nameReserved)
        #expect(await rejectionCode { try await connection.register(name: "has space", password: "long enough") } == .nameInvalid)
        #expect(await rejectionCode { try await connection.register(name: "", password: "long enough") } == .nameEmpty)
        #expect(await rejectionCode { try await connection.register(name: String(repeating: "n", count: 33), password: "long enough") } == .nameTooLong)
        #expect(await rejectionCode { try await connection.register(name: "ctrl\u{1}", password: "long enough") } == .nameInvalid)
        #expect(await rejectionCode { try await connection.register(name: "bob", password: "short") } == .passwordTooShort)
        await server.finish()
    }

    @Test func takingOverClosesTheOldSessionWithAReasonAndNobodySeesALeave() async throws {
        let server = try await TestServer.start()
        let watcher = try await server.user("watcher")
        let old = try await server.user("alice")
        let new = try await server.connect()
        let welcome = try await new.logIn(name: "alice", password: "correct horse", takeOver: true)
        #expect(welcome.lobby?.members.contains(Member(name: "alice", online: true)) == true)

        let reason = try await old.log.first("the old session's closing event") { event in
            if case .closing(let error) = event { error.code } else { nil }
        }
        #expect(reason == .sessionReplaced)
        try await old.log.wait(for: "the old session to end") { $0.ended }

        try await new.send("from the new session")
        try await watcher.log.wait(for: "the message") { $0.messages.contains { $0.text == "from the new session" } }
        let left = watcher.log.events.contains { if case .left(_, "alice", _, _) = $0 { true } else { false } }
        #expect(!left, "alice never left: she moved")
        await server.finish()
    }

    @Test(.enabled(if: TestStore.current == .sqlite, "reads the SQLite file")) func theStoredPasswordIsASaltedScryptHash() async throws {
        let server = try await TestServer.start()
        _ = try await server.user("alice", password: "correct horse")
        _ = try await server.user("bob", password: "correct horse")
        await server.stop()
        let hashes = try StoredHashes.read(databaseIn: server.dataDirectory)
        #expect(hashes.count == 2)
        #expect(hashes.allSatisfy { $0.hasPrefix("scrypt$ln=10,r=8,p=1$") })
        #expect(hashes[0] != hashes[1], "same password, different salt")
        #expect(!hashes.contains { $0.contains("correct horse") })
    }
}
