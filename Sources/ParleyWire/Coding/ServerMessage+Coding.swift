import ParleyDomain

/// Replies carry `re`, the id of the request they answer; events carry none.
extension ServerMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        let type = try container.decode(String.self, forKey: "type")
        if type == "hello" {
            self = .hello(ServerHello(
                version: try container.decode(Int.self, forKey: "version"),
                server: try container.decode(String.self, forKey: "server"),
                limits: try container.decode(ServerLimits.self, forKey: "limits")
            ))
        } else if let id = try container.decodeIfPresent(UInt32.self, forKey: "re") {
            self = .reply(id: id, try Reply(type: type, from: container))
        } else {
            self = .event(try Event(type: type, from: container))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        switch self {
        case .hello(let hello):
            try container.encode("hello", forKey: "type")
            try container.encode(hello.version, forKey: "version")
            try container.encode(hello.server, forKey: "server")
            try container.encode(hello.limits, forKey: "limits")
        case .reply(let id, let reply):
            try container.encode(id, forKey: "re")
            try reply.encode(into: &container)
        case .event(let event):
            try event.encode(into: &container)
        }
    }
}

extension Reply {
    init(type: String, from container: KeyedDecodingContainer<WireKey>) throws {
        switch type {
        case "registered":
            self = .registered(name: try container.decode(String.self, forKey: "name"))
        case "welcome":
            self = .welcome(Welcome(
                user: try container.decode(String.self, forKey: "user"),
                rooms: try container.decode([RoomSnapshot].self, forKey: "rooms"),
                friends: try container.decode(FriendList.self, forKey: "friends"),
                away: try container.decode([ChatMessage].self, forKey: "away"),
                awayMore: try container.decodeIfPresent(Bool.self, forKey: "away_more") ?? false,
                token: try container.decodeIfPresent(String.self, forKey: "token"),
                read: Dictionary(uniqueKeysWithValues: (try container.decodeIfPresent([String: Int64].self, forKey: "read") ?? [:])
                    .map { (ConversationID(rawValue: $0.key), $0.value) })
            ))
        case "away":
            self = .away(
                try container.decode([ChatMessage].self, forKey: "messages"),
                more: try container.decode(Bool.self, forKey: "more")
            )
        case "sent":
            self = .sent(try container.decode(ChatMessage.self, forKey: "message"))
        case "history":
            self = .history(HistorySlice(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                messages: try container.decode([ChatMessage].self, forKey: "messages"),
                hasMore: try container.decode(Bool.self, forKey: "has_more")
            ))
        case "search":
            self = .search(SearchPage(
                hits: try container.decode([SearchHit].self, forKey: "hits"),
                more: try container.decode(Bool.self, forKey: "more")
            ))
        case "friends":
            self = .friends(try FriendList(from: container))
        case "room":
            self = .room(try container.decode(RoomSnapshot.self, forKey: "room"))
        case "rooms":
            self = .rooms(
                try container.decode([RoomInfo].self, forKey: "rooms"),
                more: try container.decodeIfPresent(Bool.self, forKey: "more") ?? false
            )
        case "upload_ready":
            self = .uploadReady(
                transfer: try container.decode(UInt32.self, forKey: "transfer"),
                chunkBytes: try container.decode(Int.self, forKey: "chunk_bytes")
            )
        case "download_ready":
            self = .downloadReady(
                transfer: try container.decode(UInt32.self, forKey: "transfer"),
                file: try container.decode(FileInfo.self, forKey: "file"),
                offset: try container.decode(Int64.self, forKey: "offset")
            )
        case "files":
            self = .files(try container.decode([FileInfo].self, forKey: "files"))
        case "done":
            self = .done
        case "error":
            self = .error(try ProtocolError(from: container))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: "type", in: container, debugDescription: "unknown reply type \(type)"
            )
        }
    }

    func encode(into container: inout KeyedEncodingContainer<WireKey>) throws {
        switch self {
        case .registered(let name):
            try container.encode("registered", forKey: "type")
            try container.encode(name, forKey: "name")
        case .welcome(let welcome):
            try container.encode("welcome", forKey: "type")
            try container.encode(welcome.user, forKey: "user")
            try container.encode(welcome.rooms, forKey: "rooms")
            try container.encode(welcome.friends, forKey: "friends")
            try container.encode(welcome.away, forKey: "away")
            try container.encode(welcome.awayMore, forKey: "away_more")
            try container.encodeIfPresent(welcome.token, forKey: "token")
            try container.encode(
                Dictionary(uniqueKeysWithValues: welcome.read.map { ($0.key.rawValue, $0.value) }), forKey: "read"
            )
        case .sent(let message):
            try container.encode("sent", forKey: "type")
            try container.encode(message, forKey: "message")
        case .history(let slice):
            try container.encode("history", forKey: "type")
            try container.encode(slice.conversation, forKey: "conversation")
            try container.encode(slice.messages, forKey: "messages")
            try container.encode(slice.hasMore, forKey: "has_more")
        case .search(let page):
            try container.encode("search", forKey: "type")
            try container.encode(page.hits, forKey: "hits")
            try container.encode(page.more, forKey: "more")
        case .friends(let list):
            try container.encode("friends", forKey: "type")
            try list.encode(into: &container)
        case .room(let room):
            try container.encode("room", forKey: "type")
            try container.encode(room, forKey: "room")
        case .away(let messages, let more):
            try container.encode("away", forKey: "type")
            try container.encode(messages, forKey: "messages")
            try container.encode(more, forKey: "more")
        case .rooms(let rooms, let more):
            try container.encode("rooms", forKey: "type")
            try container.encode(rooms, forKey: "rooms")
            try container.encode(more, forKey: "more")
        case .uploadReady(let transfer, let chunkBytes):
            try container.encode("upload_ready", forKey: "type")
            try container.encode(transfer, forKey: "transfer")
            try container.encode(chunkBytes, forKey: "chunk_bytes")
        case .downloadReady(let transfer, let file, let offset):
            try container.encode("download_ready", forKey: "type")
            try container.encode(transfer, forKey: "transfer")
            try container.encode(file, forKey: "file")
            try container.encode(offset, forKey: "offset")
        case .files(let files):
            try container.encode("files", forKey: "type")
            try container.encode(files, forKey: "files")
        case .done:
            try container.encode("done", forKey: "type")
        case .error(let error):
            try container.encode("error", forKey: "type")
            try error.encode(into: &container)
        }
    }
}

extension Event {
    init(type: String, from container: KeyedDecodingContainer<WireKey>) throws {
        switch type {
        case "message":
            self = .message(try container.decode(ChatMessage.self, forKey: "message"))
        case "joined":
            self = .joined(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                user: try container.decode(String.self, forKey: "user"),
                newMember: try container.decode(Bool.self, forKey: "new_member"),
                guest: try container.decodeIfPresent(Bool.self, forKey: "guest") ?? false
            )
        case "left":
            self = .left(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                user: try container.decode(String.self, forKey: "user"),
                reason: try container.decode(String.self, forKey: "reason"),
                stillMember: try container.decode(Bool.self, forKey: "still_member")
            )
        case "topic":
            self = .topic(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                topic: try container.decode(String.self, forKey: "topic"),
                by: try container.decode(String.self, forKey: "by")
            )
        case "friend_request": self = .friendRequest(from: try container.decode(String.self, forKey: "from"))
        case "friend_added":
            self = .friendAdded(Friend(
                name: try container.decode(String.self, forKey: "name"),
                online: try container.decode(Bool.self, forKey: "online")
            ))
        case "friend_removed": self = .friendRemoved(name: try container.decode(String.self, forKey: "name"))
        case "friend_declined": self = .friendDeclined(name: try container.decode(String.self, forKey: "name"))
        case "friend_online": self = .friendOnline(name: try container.decode(String.self, forKey: "name"))
        case "friend_offline": self = .friendOffline(name: try container.decode(String.self, forKey: "name"))
        case "read":
            self = .read(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                through: try container.decode(Int64.self, forKey: "through")
            )
        case "away":
            self = .away(user: try container.decode(String.self, forKey: "user"), text: try container.decodeIfPresent(String.self, forKey: "text"))
        case "upload_done":
            self = .uploadDone(
                transfer: try container.decode(UInt32.self, forKey: "transfer"),
                file: try container.decode(FileInfo.self, forKey: "file")
            )
        case "upload_failed":
            self = .uploadFailed(transfer: try container.decode(UInt32.self, forKey: "transfer"), error: try ProtocolError(from: container))
        case "download_failed":
            self = .downloadFailed(transfer: try container.decode(UInt32.self, forKey: "transfer"), error: try ProtocolError(from: container))
        case "ping":
            self = .ping
        case "closing":
            self = .closing(try ProtocolError(from: container))
        case "error":
            self = .error(try ProtocolError(from: container))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: "type", in: container, debugDescription: "unknown event type \(type)"
            )
        }
    }

    func encode(into container: inout KeyedEncodingContainer<WireKey>) throws {
        switch self {
        case .message(let message):
            try container.encode("message", forKey: "type")
            try container.encode(message, forKey: "message")
        case .joined(let conversation, let user, let newMember, let guest):
            try container.encode("joined", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try container.encode(user, forKey: "user")
            try container.encode(newMember, forKey: "new_member")
            if guest { try container.encode(true, forKey: "guest") }
        case .left(let conversation, let user, let reason, let stillMember):
            try container.encode("left", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try container.encode(user, forKey: "user")
            try container.encode(reason, forKey: "reason")
            try container.encode(stillMember, forKey: "still_member")
        case .topic(let conversation, let topic, let by):
            try container.encode("topic", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try container.encode(topic, forKey: "topic")
            try container.encode(by, forKey: "by")
        case .friendRequest(let from):
            try container.encode("friend_request", forKey: "type")
            try container.encode(from, forKey: "from")
        case .friendAdded(let friend):
            try container.encode("friend_added", forKey: "type")
            try container.encode(friend.name, forKey: "name")
            try container.encode(friend.online, forKey: "online")
        case .friendRemoved(let name): try encodeNamed("friend_removed", name, into: &container)
        case .friendDeclined(let name): try encodeNamed("friend_declined", name, into: &container)
        case .friendOnline(let name): try encodeNamed("friend_online", name, into: &container)
        case .friendOffline(let name): try encodeNamed("friend_offline", name, into: &container)
        case .read(let conversation, let through):
            try container.encode("read", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try container.encode(through, forKey: "through")
        case .away(let user, let text):
            try container.encode("away", forKey: "type")
            try container.encode(user, forKey: "user")
            try container.encodeIfPresent(text, forKey: "text")
        case .uploadDone(let transfer, let file):
            try container.encode("upload_done", forKey: "type")
            try container.encode(transfer, forKey: "transfer")
            try container.encode(file, forKey: "file")
        case .uploadFailed(let transfer, let error):
            try container.encode("upload_failed", forKey: "type")
            try container.encode(transfer, forKey: "transfer")
            try error.encode(into: &container)
        case .downloadFailed(let transfer, let error):
            try container.encode("download_failed", forKey: "type")
            try container.encode(transfer, forKey: "transfer")
            try error.encode(into: &container)
        case .ping:
            try container.encode("ping", forKey: "type")
        case .closing(let error):
            try container.encode("closing", forKey: "type")
            try error.encode(into: &container)
        case .error(let error):
            try container.encode("error", forKey: "type")
            try error.encode(into: &container)
        }
    }
}

extension ProtocolError {
    init(from container: KeyedDecodingContainer<WireKey>) throws {
        self.init(
            try container.decode(ErrorCode.self, forKey: "code"),
            try container.decode(String.self, forKey: "message")
        )
    }

    func encode(into container: inout KeyedEncodingContainer<WireKey>) throws {
        try container.encode(code, forKey: "code")
        try container.encode(message, forKey: "message")
    }
}
