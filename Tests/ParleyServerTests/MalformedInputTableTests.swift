import Crypto
import Foundation
import NIOCore
import ParleyClient
import ParleyDomain
import ParleyWire
import ParleyServer
import ParleyTestSupport
import Synchronization
import Testing

/// Every error code docs/PROTOCOL.md lists that input can cause, caused
/// one after another on one raw connection while bob keeps talking to alice
/// the whole time; at the end alice has every one of bob's messages. A code
/// added to the document without a row here fails the test.
@Suite struct MalformedInputTableTests {
    /// Codes the server sends for reasons other than what a client sent;
    /// each has its own test: `FaultInjectionTests` (server.internal,
    /// storage.unavailable, file.storage, session.timed_out),
    /// `StorageFaultTests` (storage.full), `LobbyTests` (server.shutting_down),
    /// `AccountTests` (session.replaced), `DoorDefenceTests` (server.full).
    static let notCausedByInput: Set<String> = [
        "server.internal", "server.shutting_down", "session.replaced", "session.timed_out", "file.storage",
        "storage.full", "storage.unavailable", "server.full",
        // The goodbye after a successful account_delete (AccountChangeTests).
        "account.deleted",
        // Guests, which this table's server does not take: GuestTests and
        // IRCDoorTests cause each on servers that do.
        "guest.off", "guest.not_allowed", "room.closed_to_guests", "room.guests_forbidden", "room.lobby_guests",
    ]

    @Test func everyMalformedInputGetsItsCodeWhileOthersChat() async throws {
        let server = try await TestServer.start {
            $0.limits.maxMessageCharacters = 100
            $0.limits.maxTopicCharacters = 20
            $0.limits.maxRoomsPerUser = 3
            $0.limits.maxFileBytes = 1000
            $0.limits.maxTransfers = 1
            // bob chats at 50 a second throughout, within the refill; the
            // table's flood at the end outruns it.
            $0.limits.rateBurst = 300
            $0.limits.ratePerSecond = 60
            // The table's own failed logins (two) stay under it; the row
            // for auth.throttled adds one more and tries again.
            $0.failedLoginsBeforeDelay = 3
            // The table keeps one file of ten bytes; the quota row asks for more.
            $0.maxUploadBytesPerUser = 25
            // One place per account, so that alice's second login is past it.
            $0.maxSessionsPerUser = 1
        }
        let alice = try await server.user("alice")
        let bob = try await server.user("bob")
        _ = try await server.user("dave")
        _ = try await bob.connection.createRoom("bobs")
        // bob's pace: a message every 20 ms; a refusal stops the chat and is reported.
        let chatted = Atomic(0)
        let chat = Task { () -> String? in
            while !Task.isCancelled {
                do {
                    try await bob.connection.send("chat \(chatted.load(ordering: .relaxed))")
                } catch {
                    return "bob's message \(chatted.load(ordering: .relaxed)) was refused: \(error)"
                }
                chatted.add(1, ordering: .relaxed)
                try? await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        let table = Table(raw: try await RawClient.connect(port: server.port))
        var seen: Set<ErrorCode> = []
        func check(_ request: Request, _ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(try await table.error(for: request) == code, sourceLocation: sourceLocation)
            seen.insert(code)
        }

        try await check(.send(conversation: .lobby, text: "before hello"), .helloRequired)
        try await table.raw.send(.hello(ClientHello(client: "table")))
        try await check(.send(conversation: .lobby, text: "before login"), .authRequired)
        try await check(.logIn(name: "nobody", password: "whatever1", takeOver: false), .authBadPassword)
        try await check(.register(name: "", password: "long enough"), .nameEmpty)
        try await check(.register(name: String(repeating: "n", count: 33), password: "long enough"), .nameTooLong)
        try await check(.register(name: "has space", password: "long enough"), .nameInvalid)
        try await check(.register(name: "Robot", password: "long enough"), .nameReserved)
        try await check(.register(name: "ALICE", password: "long enough"), .nameTaken)
        try await check(.register(name: "carol", password: "short"), .passwordTooShort)
        try await check(.register(name: "carol", password: String(repeating: "p", count: 1025)), .passwordTooLong)
        try await table.succeed(.register(name: "carol", password: "long enough"))
        try await check(.logIn(name: "carol", password: "wrong password", takeOver: false), .authBadPassword)
        try await check(.logIn(name: "alice", password: "correct horse", takeOver: false), .authTooManySessions)
        try await check(.resume(name: "carol", token: "not a token", takeOver: false), .authTokenInvalid)
        try await table.succeed(.logIn(name: "carol", password: "long enough", takeOver: false))
        try await check(.logIn(name: "carol", password: "long enough", takeOver: false), .authAlreadyLoggedIn)

        try await check(.send(conversation: .lobby, text: " \n\t"), .messageEmpty)
        try await check(.send(conversation: .lobby, text: String(repeating: "x", count: 101)), .messageTooLong)
        try await check(.send(conversation: .lobby, text: "\u{1B}[2J"), .messageInvalid)
        try await check(.history(conversation: .lobby, page: .latest(limit: 0)), .historyInvalid)
        try await check(.search(SearchQuery(" \n ")), .searchInvalid)

        let bobs = ConversationID(rawValue: "bobs")
        try await check(.send(conversation: ConversationID(rawValue: "nowhere"), text: "hi"), .roomNotFound)
        try await check(.createRoom(name: "Lobby", topic: "", openTopic: false), .roomExists)
        try await check(.send(conversation: bobs, text: "hi"), .roomNotMember)
        try await check(.join(name: "lobby"), .roomAlreadyMember)
        try await check(.leave(name: "lobby"), .roomCannotLeave)
        try await table.succeed(.join(name: "bobs"))
        try await check(.setTopic(conversation: bobs, topic: String(repeating: "t", count: 21)), .topicTooLong)
        try await check(.setTopic(conversation: bobs, topic: "two\nlines"), .topicInvalid)
        try await check(.setTopic(conversation: bobs, topic: "mine now"), .topicForbidden)
        try await table.succeed(.createRoom(name: "third", topic: "", openTopic: false))
        try await check(.createRoom(name: "fourth", topic: "", openTopic: false), .roomTooMany)

        try await check(.friendRequest(name: "nobody"), .friendNoSuchUser)
        try await check(.friendRequest(name: "carol"), .friendSelf)
        try await table.succeed(.friendRequest(name: "dave"))
        try await check(.friendRequest(name: "dave"), .friendPending)
        try await check(.friendAccept(name: "dave"), .friendNoRequest)
        try await check(.friendRemove(name: "dave"), .friendNotFriends)
        try await check(.send(conversation: .direct("dave"), text: "hi"), .friendNotFriends)
        try await table.succeed(.friendRequest(name: "alice"))
        try await alice.connection.acceptFriend("carol")
        try await check(.friendRequest(name: "alice"), .friendAlready)
        try await check(.unblock(name: "dave"), .friendNotBlocked)
        try await table.succeed(.block(name: "dave"))
        try await check(.friendRequest(name: "dave"), .friendBlocked)

        let ten = Array("0123456789".utf8)
        let sha = Hex.string(SHA256.hash(data: ten))
        try await check(.upload(conversation: .lobby, name: "big", size: 1001, sha256: sha), .fileTooLarge)
        try await check(.upload(conversation: .lobby, name: "negative", size: -1, sha256: sha), .fileInvalid)
        try await check(.upload(conversation: .lobby, name: "bad hash", size: 10, sha256: "xyz"), .fileInvalid)
        try await check(.download(file: 999_999, offset: 0), .fileNotFound)
        try await check(.cancelUpload(transfer: 77), .transferUnknown)
        let overflowing = try await table.upload(.upload(conversation: .lobby, name: "ten", size: 10, sha256: sha))
        try await check(.upload(conversation: .lobby, name: "another", size: 10, sha256: sha), .transferTooMany)
        #expect(try await table.uploadFailure(overflowing, sending: ten + [0]) == .transferOverflow)
        seen.insert(.transferOverflow)
        let mismatched = try await table.upload(.upload(conversation: .lobby, name: "ten", size: 10, sha256: sha))
        #expect(try await table.uploadFailure(mismatched, sending: Array("9876543210".utf8)) == .fileHashMismatch)
        seen.insert(.fileHashMismatch)
        let good = try await table.upload(.upload(conversation: .lobby, name: "ten", size: 10, sha256: sha))
        let file = try await table.uploadDone(good, sending: ten)
        try await check(.download(file: file, offset: 11), .fileBadOffset)
        try await check(.upload(conversation: .lobby, name: "more", size: 20, sha256: sha), .fileQuota)

        // A third failed login from this address: the next try must wait.
        let guesser = Table(raw: try await RawClient.connect(port: server.port))
        try await guesser.raw.send(.hello(ClientHello(client: "guesser")))
        #expect(try await guesser.error(for: .logIn(name: "dave", password: "guess one", takeOver: false)) == .authBadPassword)
        #expect(try await guesser.error(for: .logIn(name: "dave", password: "guess two", takeOver: false)) == .authThrottled)
        seen.insert(.authThrottled)
        await guesser.raw.close()

        for (json, code) in [(#"{"type":"teleport","id":900}"#, ErrorCode.requestUnknownType),
                             (#"{"type":"login","id":901,"name":42}"#, .requestInvalid)] {
            try await table.raw.send(json: json)
            #expect(try await table.raw.error(answering: json.contains("900") ? 900 : 901) == code)
            seen.insert(code)
        }
        for (bytes, code) in [(Frame.encode(kind: .json, payload: Array("{not json".utf8)), ErrorCode.frameMalformed),
                              (Frame.encode(kind: .json, payload: [0x7B, 0xFF, 0xFE, 0x7D]), .frameInvalidUTF8),
                              (Table.frame(kind: 9, payload: Array("{}".utf8)), .frameUnknownKind)] {
            try await table.raw.send(bytes: Array(bytes.readableBytesView))
            #expect(try await table.raw.errorEvent(code) == code)
            seen.insert(code)
        }
        // A flood past the burst and the refill.
        for _ in 0..<1000 { try await table.raw.send(.request(id: 5000, .rooms(after: nil))) }
        #expect(try await table.raw.error(answering: 5000) == .rateLimited)
        seen.insert(.rateLimited)
        #expect(!table.raw.isClosed, "nothing so far closes the connection")

        // The inputs that close a connection, each on its own.
        for (bytes, code, hello) in [([0, 0x10, 0, 0, 1] as [UInt8], ErrorCode.frameTooLarge, true),
                                     ([0, 0, 0, 0], .frameMalformed, true),
                                     (Array(WireCodec.encode(.hello(ClientHello(version: 99, client: "future"))).readableBytesView),
                                      .helloUnsupportedVersion, false)] {
            let raw = try await RawClient.connect(port: server.port)
            if hello { try await raw.send(.hello(ClientHello(client: "doomed"))) }
            try await raw.send(bytes: bytes)
            #expect(try await raw.errorEvent(code) == code)
            try await raw.waitUntilClosed()
            seen.insert(code)
        }

        chat.cancel()
        let failure = await chat.value
        #expect(failure == nil, "bob kept chatting throughout")
        let said = chatted.load(ordering: .relaxed)
        #expect(said > 10)
        try await alice.log.wait(for: "all of bob's messages") { log in
            log.messages.filter { $0.sender == "bob" }.count >= said
        }
        #expect(alice.log.messages.filter { $0.sender == "bob" }.map(\.text) == (0..<said).map { "chat \($0)" },
                "every message in full, in order, once")
        let documented = try Self.documentedCodes().subtracting(Self.notCausedByInput)
        #expect(documented.subtracting(seen.map(\.rawValue)).isEmpty, "documented codes without a row")
        await server.finish()
    }

    /// The codes in the error table of docs/PROTOCOL.md.
    static func documentedCodes() throws -> Set<String> {
        let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/PROTOCOL.md").standardized
        let text = try String(contentsOf: document, encoding: .utf8)
        let table = text.components(separatedBy: "## Error codes")[1].components(separatedBy: "\n## ")[0]
        return Set(table.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        })
    }
}

/// One raw connection and the request ids it has used.
private final class Table: @unchecked Sendable {
    let raw: RawClient
    private var nextID: UInt32 = 1

    init(raw: RawClient) {
        self.raw = raw
    }

    private func sendRequest(_ request: Request) async throws -> UInt32 {
        let id = nextID
        nextID += 1
        try await raw.send(.request(id: id, request))
        return id
    }

    func error(for request: Request) async throws -> ErrorCode {
        try await raw.error(answering: try await sendRequest(request))
    }

    func succeed(_ request: Request, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let id = try await sendRequest(request)
        let reply = try await raw.first("a reply to \(id)") { if case .reply(id, let reply) = $0 { reply } else { nil } }
        if case .error(let error) = reply { Issue.record("\(request) failed: \(error)", sourceLocation: sourceLocation) }
    }

    /// The transfer an accepted upload request opened.
    func upload(_ request: Request) async throws -> UInt32 {
        let id = try await sendRequest(request)
        return try await raw.first("upload_ready for \(id)") { message in
            if case .reply(id, .uploadReady(let transfer, _)) = message { transfer } else { nil }
        }
    }

    func uploadFailure(_ transfer: UInt32, sending bytes: [UInt8]) async throws -> ErrorCode {
        try await sendChunk(transfer, bytes)
        return try await raw.first("upload \(transfer) failed") { message in
            if case .event(.uploadFailed(transfer, let error)) = message { error.code } else { nil }
        }
    }

    func uploadDone(_ transfer: UInt32, sending bytes: [UInt8]) async throws -> Int64 {
        try await sendChunk(transfer, bytes)
        return try await raw.first("upload \(transfer) done") { message in
            if case .event(.uploadDone(transfer, let file)) = message { file.id } else { nil }
        }
    }

    private func sendChunk(_ transfer: UInt32, _ bytes: [UInt8]) async throws {
        try await raw.send(bytes: Array(Chunk(transfer: transfer, bytes: ByteBuffer(bytes: bytes)).frame().readableBytesView))
    }

    static func frame(kind: UInt8, payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.count + 1))
        buffer.writeInteger(kind)
        buffer.writeBytes(payload)
        return buffer
    }
}
