import Foundation
import ParleyClient
import ParleyDomain
import ParleyTestSupport
import ParleyWire
import Testing

/// A user's own account: a new password, logging out everywhere, deleting it.
@Suite struct AccountChangeTests {
    /// Two tokens of alice's, from two logins, and the connection of the second.
    private func twoDevices(_ server: TestServer) async throws -> (first: String, second: String, connection: ParleyConnection) {
        let alice = try await server.user("alice")
        let first = try #require(alice.welcome.token)
        await alice.connection.close()
        let again = try await server.connect()
        let welcome = try await again.logIn(name: "alice", password: "correct horse", takeOver: true)
        return (first, try #require(welcome.token), again)
    }

    private func resumes(_ server: TestServer, with token: String) async throws -> Bool {
        let connection = try await server.connect()
        defer { Task { await connection.close() } }
        return await rejectionCode { _ = try await connection.resume(name: "alice", token: token, takeOver: true) } == nil
    }

    @Test func aNewPasswordRevokesEveryOtherDevicesToken() async throws {
        let server = try await TestServer.start()
        let (first, second, connection) = try await twoDevices(server)
        #expect(await rejectionCode { try await connection.changePassword(from: "wrong guess", to: "brand new secret") } == .authBadPassword)
        #expect(await rejectionCode { try await connection.changePassword(from: "correct horse", to: "short") } == .passwordTooShort)
        try await connection.changePassword(from: "correct horse", to: "brand new secret")
        #expect(try await resumes(server, with: first) == false, "the other device must log in again")
        #expect(try await resumes(server, with: second), "this device stays logged in")
        let other = try await server.connect()
        #expect(await rejectionCode { _ = try await other.logIn(name: "alice", password: "correct horse", takeOver: true) } == .authBadPassword)
        _ = try await other.logIn(name: "alice", password: "brand new secret", takeOver: true)
        await other.close()
        await server.finish()
    }

    @Test func loggingOutEverywhereRevokesEveryToken() async throws {
        let server = try await TestServer.start()
        let (first, second, connection) = try await twoDevices(server)
        try await connection.logOutEverywhere()
        #expect(try await resumes(server, with: first) == false)
        #expect(try await resumes(server, with: second) == false)
        await server.finish()
    }

    @Test func aDeletedAccountsMessagesStayUnderADeletedNameAndItsPrivateFilesGo() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        try await alice.connection.send("remember me")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("private-\(UUID().uuidString).txt").path
        try "just for bob".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try await alice.connection.upload(file: path, to: .direct("bob"))
        #expect(FileManager.default.fileExists(atPath: server.dataDirectory + "/files/\(file.id)"))

        #expect(await rejectionCode { try await alice.connection.deleteAccount(password: "wrong guess") } == .authBadPassword)
        try await alice.connection.deleteAccount(password: "correct horse")
        let closing = try await alice.log.first("the closing event") { event -> ErrorCode? in
            if case .closing(let error) = event { error.code } else { nil }
        }
        #expect(closing == .accountDeleted)
        _ = try await bob.log.first("alice's friendship ended") { event -> Bool? in
            if case .friendRemoved("alice") = event { true } else { nil }
        }

        let lobby = try await bob.connection.history(of: .lobby, page: .latest(limit: 10)).messages
        #expect(lobby.last?.text == "remember me")
        #expect(lobby.last?.sender == DeletedAccount.name)
        #expect(!FileManager.default.fileExists(atPath: server.dataDirectory + "/files/\(file.id)"), "the private file's bytes are gone")
        let downloads = FileManager.default.temporaryDirectory.appendingPathComponent("downloads-\(UUID().uuidString)").path
        #expect(await rejectionCode { _ = try await bob.connection.download(file, into: downloads) } == .fileNotFound)
        #expect(try await bob.connection.friends().friends.isEmpty)

        let again = try await server.connect()
        #expect(await rejectionCode { _ = try await again.logIn(name: "alice", password: "correct horse") } == .authBadPassword)
        try await again.register(name: "alice", password: "a new alice here")
        await again.close()
        await server.finish()
    }
}
