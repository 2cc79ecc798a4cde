import NIOCore
import ParleyDomain
import ParleyWire
import Testing

@Suite struct WireCodecTests {
    static let message = ChatMessage(id: 42, conversation: .lobby, sender: "alice", text: "héllo 👋🏽 世界\nnext line", time: 1_763_900_000_123)

    static let clientMessages: [ClientMessage] = [
        .hello(ClientHello(client: "parley test")),
        .pong,
        .request(id: 1, .register(name: "alice", password: "secret password")),
        .request(id: 2, .logIn(name: "alice", password: "secret password", takeOver: true)),
        .request(id: 3, .guest(name: "visitor")),
        .request(id: 40, .changePassword(password: "secret password", newPassword: "another secret")),
        .request(id: 41, .logoutEverywhere),
        .request(id: 42, .deleteAccount(password: "secret password")),
        .request(id: 3, .send(conversation: .lobby, text: "hi 🎉")),
        .request(id: 4, .history(conversation: .lobby, page: .latest(limit: 50))),
        .request(id: 5, .history(conversation: .lobby, page: .before(id: 100, limit: 20))),
        .request(id: UInt32.max, .history(conversation: .lobby, page: .after(id: 7, limit: 200))),
        .request(id: 6, .createRoom(name: "dev", topic: "builds and bugs", openTopic: true)),
        .request(id: 7, .join(name: "dev")),
        .request(id: 8, .leave(name: "dev")),
        .request(id: 9, .rooms(after: nil)),
        .request(id: 43, .rooms(after: "dev")),
        .request(id: 10, .setTopic(conversation: ConversationID(rawValue: "dev"), topic: "")),
        .request(id: 11, .setGuests(conversation: ConversationID(rawValue: "dev"), allow: true)),
    ]

    static let serverMessages: [ServerMessage] = [
        .hello(ServerHello(server: "parley-server", limits: ServerLimits())),
        .reply(id: 1, .registered(name: "alice")),
        .reply(id: 2, .welcome(Welcome(user: "alice", rooms: [RoomSnapshot(name: .lobby, topic: "hi", members: [Member(name: "bob", online: true)], history: [message], hasMore: true)]))),
        .reply(id: 3, .sent(message)),
        .reply(id: 4, .history(HistorySlice(conversation: .lobby, messages: [message, message], hasMore: false))),
        .reply(id: 5, .error(ProtocolError(.authBadPassword, "Wrong password."))),
        .event(.message(message)),
        .event(.joined(conversation: .lobby, user: "bob", newMember: false)),
        .event(.joined(conversation: .lobby, user: "visitor", newMember: true, guest: true)),
        .reply(id: 7, .room(RoomSnapshot(name: .lobby, members: [Member(name: "visitor", online: true, guest: true)]))),
        .event(.left(conversation: .lobby, user: "bob", reason: "timed out", stillMember: true)),
        .event(.topic(conversation: ConversationID(rawValue: "dev"), topic: "builds", by: "alice")),
        .reply(id: 6, .room(RoomSnapshot(name: ConversationID(rawValue: "dev"), topic: "t", openTopic: true))),
        .reply(id: 3, .rooms([RoomInfo(name: ConversationID(rawValue: "dev"), topic: "", members: 2, online: 1, joined: true)], more: true)),
        .event(.away(user: "bob", text: "at lunch")),
        .event(.away(user: "bob", text: nil)),
        .event(.ping),
        .event(.closing(ProtocolError(.sessionReplaced, "You logged in elsewhere."))),
        .event(.error(ProtocolError(.frameMalformed, "Not JSON."))),
    ]

    static func frame(of buffer: ByteBuffer) throws -> Frame {
        var buffer = buffer
        return try #require(try FrameParser(maxFrameBytes: 1 << 20).nextFrame(from: &buffer))
    }

    static func frame(json: String) -> Frame {
        try! frame(of: Frame.encode(kind: .json, payload: Array(json.utf8)))
    }

    @Test(arguments: clientMessages)
    func clientMessagesRoundTrip(_ message: ClientMessage) throws {
        let decoded = WireCodec.decodeClientMessage(try Self.frame(of: WireCodec.encode(message)))
        #expect(decoded == .success(message))
    }

    @Test(arguments: serverMessages)
    func serverMessagesRoundTrip(_ message: ServerMessage) throws {
        #expect(try WireCodec.decodeServerMessage(try Self.frame(of: WireCodec.encode(message))) == message)
    }

    @Test func repliesCarryReAndEventsDoNot() throws {
        let reply = String(buffer: try Self.frame(of: WireCodec.encode(ServerMessage.reply(id: 9, .registered(name: "a")))).payload)
        let event = String(buffer: try Self.frame(of: WireCodec.encode(ServerMessage.event(.ping))).payload)
        #expect(reply.contains("\"re\":9"))
        #expect(!event.contains("\"re\""))
    }

    func failure(_ json: String) -> WireDecodingFailure? {
        if case .failure(let failure) = WireCodec.decodeClientMessage(Self.frame(json: json)) { failure } else { nil }
    }

    @Test func notJSONIsMalformed() {
        #expect(failure("this is not json")?.error.code == .frameMalformed)
        #expect(failure("[1,2,3]")?.error.code == .frameMalformed)
        #expect(failure("{\"id\":1}")?.error.code == .frameMalformed)
    }

    @Test func anUnknownTypeIsNamedAndKeepsTheID() {
        let result = failure("{\"type\":\"dance\",\"id\":7}")
        #expect(result == WireDecodingFailure(requestID: 7, error: ProtocolError(.requestUnknownType, "There is no message type \"dance\".")))
    }

    @Test func aMissingFieldIsNamed() {
        let result = failure("{\"type\":\"login\",\"id\":3,\"name\":\"alice\"}")
        #expect(result?.requestID == 3)
        #expect(result?.error.code == .requestInvalid)
        #expect(result?.error.message.contains("password") == true)
    }

    @Test func aRequestWithoutAnIDIsInvalid() {
        #expect(failure("{\"type\":\"send\",\"conversation\":\"lobby\",\"text\":\"x\"}")?.error.code == .requestInvalid)
    }

    @Test func beforeAndAfterTogetherAreInvalid() {
        let result = failure("{\"type\":\"history\",\"id\":4,\"conversation\":\"lobby\",\"limit\":5,\"before\":9,\"after\":2}")
        #expect(result?.requestID == 4)
        #expect(result?.error.code == .requestInvalid)
    }

    @Test func invalidUTF8IsNamed() throws {
        let frame = try Self.frame(of: Frame.encode(kind: .json, payload: Array("{\"type\":\"pong\"".utf8) + [0xC3, 0x28, 0x7D]))
        guard case .failure(let failure) = WireCodec.decodeClientMessage(frame) else {
            Issue.record("invalid UTF-8 was accepted")
            return
        }
        #expect(failure.error.code == .frameInvalidUTF8)
    }

    @Test func aBinaryFrameIsNotAMessage() throws {
        let frame = try Self.frame(of: Frame.encode(kind: .binary, payload: [1, 2, 3]))
        guard case .failure(let failure) = WireCodec.decodeClientMessage(frame) else {
            Issue.record("a binary frame was read as a message")
            return
        }
        #expect(failure.error.code == .frameUnknownKind)
    }
}
