import Foundation
import NIOCore
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyTestSupport
import Synchronization
import Testing

@Suite struct FileTests {
    let scratch = TestServer.makeDataDirectory()

    /// A file of `size` random bytes (or `text`) in the scratch directory.
    func localFile(_ name: String, size: Int = 0, text: String? = nil) throws -> String {
        let path = scratch + "/" + name
        let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        defer { try? random.close() }
        let data = text.map { Data($0.utf8) } ?? random.readData(ofLength: size)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func contents(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    @Test func fiftyMegabytesThereAndBackWithTheHashChecked() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        let path = try localFile("big.bin", size: 50 * 1024 * 1024)
        let file = try await alice.connection.upload(file: path, to: .lobby)
        #expect(file.size == 50 * 1024 * 1024 && file.name == "big.bin" && file.type == .other && file.sender == "alice")
        let announced = try await bob.log.first("the announcement") { event in
            if case .message(let message) = event, message.file != nil { message } else { nil }
        }
        #expect(announced.file == file && announced.text == "alice shared big.bin, 50.0 MiB")
        #expect(try await bob.connection.files(in: .lobby) == [file])

        let downloaded = try await bob.connection.download(file, into: scratch + "/bob")
        #expect(downloaded == scratch + "/bob/big.bin")
        #expect(try contents(downloaded) == contents(path))
        #expect(names(in: server.dataDirectory + "/files") == ["\(file.id)", "incoming"])
        #expect(names(in: server.dataDirectory + "/files/incoming").isEmpty)
        await server.finish()
    }

    @Test func oneByteOverTheLimitIsRefusedBeforeAnyByte() async throws {
        let server = try await TestServer.start { $0.limits.maxFileBytes = 1000 }
        let alice = try await server.user("alice")
        let hash = String(repeating: "0", count: 64)
        let code = await rejectionCode {
            _ = try await alice.connection.request(.upload(conversation: .lobby, name: "x", size: 1001, sha256: hash))
        }
        #expect(code == .fileTooLarge)
        #expect(names(in: server.dataDirectory + "/files/incoming").isEmpty)
        let exact = try await alice.connection.upload(file: try localFile("exact.bin", size: 1000), to: .lobby)
        #expect(exact.size == 1000, "the limit itself is allowed")
        #expect(await rejectionCode {
            _ = try await alice.connection.request(.upload(conversation: .lobby, name: "x", size: 10, sha256: "not a hash"))
        } == .fileInvalid)
        #expect(await rejectionCode {
            _ = try await alice.connection.request(.upload(conversation: ConversationID(rawValue: "nowhere"), name: "x", size: 10, sha256: hash))
        } == .roomNotFound)
        await server.finish()
    }

    @Test func aWrongHashIsDiscarded() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let wrong = String(repeating: "ab", count: 32)
        guard case .uploadReady(let transfer, _) = try await alice.connection.request(
            .upload(conversation: .lobby, name: "lie.txt", size: 5, sha256: wrong)
        ) else { Issue.record("no upload_ready"); return }
        try await alice.connection.send(Chunk(transfer: transfer, bytes: ByteBuffer(string: "hello")))
        let failure = try await alice.log.first("the failure") { event in
            if case .uploadFailed(transfer, let error) = event { error.code } else { nil }
        }
        #expect(failure == .fileHashMismatch)
        #expect(try await alice.connection.files(in: .lobby).isEmpty)
        try await alice.log.wait(for: "the part file to go") { _ in names(in: server.dataDirectory + "/files/incoming").isEmpty }
        #expect(!alice.log.messages.contains { $0.file != nil }, "nothing announced")
        await server.finish()
    }

    @Test func aCancelledUploadLeavesNothing() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        guard case .uploadReady(let transfer, _) = try await alice.connection.request(
            .upload(conversation: .lobby, name: "half.bin", size: 10, sha256: String(repeating: "0", count: 64))
        ) else { Issue.record("no upload_ready"); return }
        try await alice.connection.send(Chunk(transfer: transfer, bytes: ByteBuffer(string: "hello")))
        _ = try await alice.connection.request(.cancelUpload(transfer: transfer))
        try await alice.connection.send(Chunk(transfer: transfer, bytes: ByteBuffer(string: "world")))
        try await alice.log.first("the late chunk refused") { if case .error(let error) = $0, error.code == .transferUnknown { true } else { nil } }
        #expect(await rejectionCode { _ = try await alice.connection.request(.cancelUpload(transfer: transfer)) } == .transferUnknown)
        try await alice.log.wait(for: "the part file to go") { _ in names(in: server.dataDirectory + "/files/incoming").isEmpty }
        #expect(try await alice.connection.files(in: .lobby).isEmpty)
        await server.finish()
    }

    @Test func aDownloadFromAnOffsetSendsOnlyTheRest() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let path = try localFile("notes.txt", text: String(repeating: "line of notes 📝\n", count: 500))
        let file = try await alice.connection.upload(file: path, to: .lobby)
        #expect(file.type == .text)
        // The first bytes are there already, as a stopped download leaves them.
        let whole = try contents(path)
        let directory = scratch + "/resume"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try whole.prefix(5000).write(to: URL(fileURLWithPath: DownloadPlace.partPath(of: file.id, in: directory)))
        let seen = Mutex<[Int64]>([])
        let got = try await alice.connection.download(file, into: directory) { done, _ in seen.withLock { $0.append(done) } }
        #expect(try contents(got) == whole)
        #expect(seen.withLock { $0.first } == 5000, "progress starts at the bytes already there")
        #expect(await rejectionCode { _ = try await alice.connection.request(.download(file: file.id, offset: file.size + 1)) } == .fileBadOffset)
        await server.finish()
    }

    @Test func aDownloadCutOffResumesWhereItStopped() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        let path = try localFile("video.bin", size: 32 * 1024 * 1024)
        let file = try await alice.connection.upload(file: path, to: .lobby)
        let directory = scratch + "/bob"
        let cut = Task {
            try await bob.connection.download(file, into: directory) { done, _ in
                if done > 1024 * 1024 { Task { await bob.connection.close() } }
            }
        }
        await #expect(throws: (any Error).self) { try await cut.value }
        let part = DownloadPlace.partPath(of: file.id, in: directory)
        let kept = try #require(try FileManager.default.attributesOfItem(atPath: part)[.size] as? Int64)
        #expect(kept > 0 && kept < file.size, "kept \(kept) bytes")

        let again = try await server.connect()
        _ = try await again.logIn(name: "bob", password: "correct horse")
        let got = try await again.download(file, into: directory)
        #expect(try contents(got) == contents(path))
        #expect(!FileManager.default.fileExists(atPath: part))
        await server.finish()
    }

    @Test(.enabled(if: TestStore.current == .sqlite, "reads the SQLite file")) func namesAreCleanedAndNeverPaths() async throws {
        let server = try await TestServer.start()
        let alice = try await server.user("alice")
        let path = try localFile("payload", text: "harmless")
        let long = String(repeating: "n", count: 300) + ".txt"
        let cases = [
            ("../../etc/passwd", "etc_passwd"),
            ("a/b", "a_b"),
            ("bell\u{07}and\u{1B}[31mred\u{202E}txt.exe", "belland[31mredtxt.exe"),
            (long, String(repeating: "n", count: 116) + ".txt"),
            ("..", "file"),
        ]
        for (given, shown) in cases {
            let file = try await alice.connection.upload(file: path, as: given, to: .lobby)
            #expect(file.name == shown, "\(given.debugDescription)")
        }
        let stored = names(in: server.dataDirectory + "/files")
        #expect(stored.allSatisfy { $0 == "incoming" || Int($0) != nil }, "\(stored)")
        #expect(names(in: server.dataDirectory).sorted() == ["files", "parley.sqlite", "parley.sqlite-shm", "parley.sqlite-wal", "tls"])
        await server.finish()
    }

    @Test func othersCannotSeePrivateFilesOrFilesOfRoomsTheyAreNotIn() async throws {
        let server = try await TestServer.start()
        let (alice, _) = try await server.friends()
        let carol = try await server.user("carol")
        let path = try localFile("secret.txt", text: "just us")
        let direct = try await alice.connection.upload(file: path, to: .direct("bob"))
        #expect(direct.conversation == .direct("bob"))
        _ = try await alice.connection.createRoom("dev")
        let roomFile = try await alice.connection.upload(file: path, to: ConversationID(rawValue: "dev"))

        for file in [direct, roomFile] {
            #expect(await rejectionCode { _ = try await carol.connection.download(file, into: scratch + "/carol") } == .fileNotFound)
        }
        #expect(await rejectionCode { _ = try await carol.connection.files(in: ConversationID(rawValue: "dev")) } == .roomNotMember)
        #expect(await rejectionCode { _ = try await carol.connection.files(in: .direct("alice")) } == .friendNotFriends)
        #expect(await rejectionCode { _ = try await carol.connection.upload(file: path, to: .direct("alice")) } == .friendNotFriends)
        #expect(await rejectionCode { _ = try await carol.connection.request(.download(file: 9999, offset: 0)) } == .fileNotFound)
        await server.finish()
    }

    @Test func aPrivateFileToAnOfflineFriendIsThereAtTheirLogin() async throws {
        let server = try await TestServer.start()
        let (alice, bob) = try await server.friends()
        await bob.connection.close()
        try await alice.log.first("bob offline") { if case .friendOffline("bob") = $0 { true } else { nil } }
        let path = try localFile("for-bob.pdf", text: "%PDF-1.7 a tiny document")
        let sent = try await alice.connection.upload(file: path, to: .direct("bob"))
        #expect(sent.type == .pdf)

        let again = try await server.connect()
        let welcome = try await again.logIn(name: "bob", password: "correct horse")
        let away = try #require(welcome.away.first { $0.file != nil })
        #expect(away.conversation == .direct("alice"))
        #expect(away.file?.id == sent.id && away.file?.conversation == .direct("alice"))
        #expect(try await again.files(in: .direct("alice")).map(\.id) == [sent.id])
        let got = try await again.download(try #require(away.file), into: scratch + "/bob")
        #expect(try contents(got) == contents(path))
        await server.finish()
    }
}

/// One user once stored 8 × 50 MiB in 1.8 s with no limit.
@Suite struct UploadQuotaTests {
    func file(_ size: Int) throws -> String {
        let path = NSTemporaryDirectory() + "parley-quota-\(UUID().uuidString).bin"
        try Data(repeating: 7, count: size).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aUserKeepsOnlySoManyBytesAndTheServerOnlySoMany() async throws {
        let server = try await TestServer.start {
            $0.maxUploadBytesPerUserPerDay = 3000
            $0.maxUploadBytesPerUser = 5000
            $0.maxFilesBytes = 6000
        }
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        _ = try await alice.connection.upload(file: try file(2000), to: .lobby)
        #expect(await rejectionCode { _ = try await alice.connection.upload(file: try file(1500), to: .lobby) } == .fileQuota,
                "3,500 bytes in a day")
        _ = try await alice.connection.upload(file: try file(1000), to: .lobby)
        _ = try await bob.connection.upload(file: try file(2500), to: .lobby)
        let carol = try await server.user("carol")
        #expect(await rejectionCode { _ = try await carol.connection.upload(file: try file(600), to: .lobby) } == .storageFull,
                "6,100 bytes on the server")
        await server.finish()
    }

    @Test func uploadsStopBeforeTheDiskIsFull() async throws {
        let server = try await TestServer.start { $0.minFreeDiskBytes = Int64.max / 2 }
        let alice = try await server.user("alice")
        #expect(await rejectionCode { _ = try await alice.connection.upload(file: try file(10), to: .lobby) } == .storageFull)
        await server.finish()
    }
}
