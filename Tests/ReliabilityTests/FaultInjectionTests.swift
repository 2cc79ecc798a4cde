import Foundation
import GRDB
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Synchronization
import Testing

/// The error codes no input can cause, each caused by a fault put in the
/// server's way: a store that throws, a file directory that cannot be
/// written, a full disk, a client that falls silent. Each says what
/// happened, and the connection (and everyone else) goes on.
@Suite(.serialized) struct FaultInjectionTests {
    struct Bug: Error {}

    @Test func aStoreThatThrowsGivesServerInternalOrStorageUnavailableAndTheSessionGoesOn() async throws {
        let faulty = Mutex<FaultyStore?>(nil)
        let server = try await TestServer.start(adaptStore: { store in
            let wrapped = FaultyStore(store)
            faulty.withLock { $0 = wrapped }
            return wrapped
        })
        let store = try #require(faulty.withLock { $0 })
        let alice = try await server.user("alice")
        store.inject(Bug())
        #expect(await rejectionCode { try await alice.connection.send("into a bug") } == .serverInternal)
        store.inject(DatabaseError(resultCode: .SQLITE_IOERR, message: "disk I/O error"))
        #expect(await rejectionCode { try await alice.connection.send("onto a failing disk") } == .storageUnavailable)
        store.inject(DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database"))
        #expect(await rejectionCode { try await alice.connection.send("onto a read-only disk") } == .storageUnavailable)
        store.inject(nil)
        let after = try await alice.connection.send("the disk is back")
        let history = try await alice.connection.wholeHistory(of: .lobby)
        #expect(history.map(\.text) == ["the disk is back"], "nothing refused was stored")
        #expect(history.last?.id == after.id)
        await server.finish()
    }

    @Test func aFileDirectoryThatCannotBeWrittenRefusesUploadsWithFileStorage() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let file = try Self.file(bytes: 100_000)
        let incoming = server.dataDirectory + "/files/incoming"
        try ReadOnly.make(incoming)
        let code = await rejectionCode { _ = try await alice.connection.upload(file: file, to: .lobby) }
        ReadOnly.undo(incoming)
        #expect(code == .fileStorage)
        let stored = try await alice.connection.upload(file: file, to: .lobby)
        #expect(stored.size == 100_000, "writable again, uploads work")
        await server.finish()
    }

    /// A tmpfs of 64 kB over the directory uploads are written to: the disk
    /// fills in the middle of an upload.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aDiskThatFillsDuringAnUploadFailsItWithFileStorage() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let file = try Self.file(bytes: 300_000)
        let incoming = server.dataDirectory + "/files/incoming"
        try Mount.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", incoming])
        let code = await rejectionCode { _ = try await alice.connection.upload(file: file, to: .lobby) }
        try Mount.run(["umount", incoming])
        #expect(code == .fileStorage)
        #expect(try await alice.connection.files(in: .lobby).isEmpty, "nothing half-stored is listed")
        try await alice.connection.send("still here")
        let stored = try await alice.connection.upload(file: file, to: .lobby)
        #expect(stored.size == 300_000, "room again, uploads work")
        await server.finish()
    }

    @Test func aClientThatFallsSilentIsClosedWithSessionTimedOut() async throws {
        let server = try await TestServer.start { $0.limits.heartbeatTimeoutSeconds = 1 }
        try await server.connect().register(name: "mute", password: "correct horse")
        let raw = try await RawClient.connect(port: server.port)
        try await raw.send(.hello(ClientHello(client: "mute")))
        try await raw.send(.request(id: 1, .logIn(name: "mute", password: "correct horse", takeOver: false)))
        // It never answers a ping.
        #expect(try await raw.errorEvent(.sessionTimedOut) == .sessionTimedOut)
        try await raw.waitUntilClosed()
        await server.finish()
    }

    static func file(bytes: Int) throws -> String {
        let path = TestServer.makeDataDirectory() + "/upload.bin"
        try Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: path))
        return path
    }
}
