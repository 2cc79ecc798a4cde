import Foundation
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyServer
import ParleyTestSupport
import Testing

/// A disk that fills up, a data directory that is read-only, a file that is
/// not a database: each gives a clear error, nothing acknowledged is lost,
/// and the server goes on serving what it can.
@Suite(.serialized) struct StorageFaultTests {
    @Test func aFullDatabaseRefusesWritesClearlyAndKeepsServingReads() async throws {
        let directory = TestServer.makeDataDirectory()
        var server = try await TestServer.start(dataDirectory: directory) {
            $0.maxDatabaseBytes = 400 * 1024
            $0.limits.rateBurst = 100_000
        }
        let alice = try await server.user("alice")
        try await server.connect().register(name: "bob", password: "correct horse")
        let text = String(repeating: "full ", count: 190)
        var acknowledged: [ChatMessage] = []
        var refusal: ErrorCode?
        while refusal == nil, acknowledged.count < 10_000 {
            do {
                acknowledged.append(try await alice.connection.send(text + "\(acknowledged.count)"))
            } catch let error as ParleyClientError {
                refusal = error.code
            }
        }
        #expect(refusal == .storageFull)
        #expect(acknowledged.count > 10, "the limit left room for some messages")

        // Reads go on: history holds every acknowledged message, and bob can log in.
        #expect(try await lobbyHistory(server, as: "bob") == acknowledged)
        #expect(await rejectionCode { try await alice.connection.send(text + "again") } == .storageFull, "still full")

        // With room again, writing resumes and nothing acknowledged went missing.
        await server.stop()
        server = try await TestServer.start(dataDirectory: directory)
        #expect(try await lobbyHistory(server, as: "bob") == acknowledged)
        let (again, _) = try await ParleyConnection.open(
            host: "127.0.0.1", port: server.port, name: "alice", password: "correct horse", options: server.options
        )
        _ = try await again.send("room again")
        await server.finish()
    }

    @Test func startErrorsSayWhatIsWrongAndWhatToDo() async throws {
        let directory = TestServer.makeDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("these are not the pages you are looking for".utf8).write(to: URL(fileURLWithPath: directory + "/parley.sqlite"))
        let garbage = try ServerProcess(["--port", "0", "--data-dir", directory])
        let (status, errors) = garbage.finish()
        #expect(status != 0)
        #expect(errors.contains("cannot open database \(directory)/parley.sqlite: file is not a database"), "\(errors)")
        #expect(errors.contains("Move it away or choose another --data-dir"))

        let readOnly = TestServer.makeDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: readOnly) }
        try ReadOnly.make(readOnly)
        defer { ReadOnly.undo(readOnly) }
        let refused = try ServerProcess(["--port", "0", "--data-dir", readOnly])
        let (roStatus, roErrors) = refused.finish()
        #expect(roStatus != 0)
        #expect(roErrors.contains("writable"), "\(roErrors)")
    }

    private func lobbyHistory(_ server: TestServer, as name: String) async throws -> [ChatMessage] {
        let (connection, _) = try await ParleyConnection.open(
            host: "127.0.0.1", port: server.port, name: name, password: "correct horse", options: server.options
        )
        let messages = try await connection.wholeHistory(of: .lobby)
        await connection.close()
        return messages
    }
}

/// Makes a directory read-only for everyone, root included: a read-only
/// bind mount of it over itself (root ignores permission bits); as another
/// user, taking away the write bits is enough.
enum ReadOnly {
    static func make(_ directory: String) throws {
        if getuid() != 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
            return
        }
        try Mount.run(["mount", "--bind", directory, directory])
        do {
            try Mount.run(["mount", "-o", "remount,ro,bind", directory])
        } catch {
            try? Mount.run(["umount", directory])
            throw error
        }
    }

    static func undo(_ directory: String) {
        if getuid() != 0 {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        } else {
            try? Mount.run(["umount", directory])
        }
    }
}

enum Mount {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs mount or umount; a failure says that it needs root.
    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        let reader = PipeReader(errors)
        try process.run()
        try process.waitUntilExit(timeout: .seconds(30))
        guard process.terminationStatus == 0 else {
            let text = try reader.text()
            throw Refused(description: "\(arguments.joined(separator: " ")) failed: \(text) — mounting needs root here")
        }
    }
}
