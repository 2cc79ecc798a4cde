import ParleyDomain

extension ClientMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        let type = try container.decode(String.self, forKey: "type")
        let id = try? container.decodeIfPresent(UInt32.self, forKey: "id")
        do {
            switch type {
            case "hello":
                self = .hello(ClientHello(
                    version: try container.decode(Int.self, forKey: "version"),
                    client: try container.decodeIfPresent(String.self, forKey: "client") ?? ""
                ))
            case "pong":
                self = .pong
            case "register", "login", "resume", "guest", "logout", "password_change", "logout_all", "account_delete", "send", "away_received", "mark_read", "search", "room", "history", "friend_request", "friend_accept", "friend_decline",
                 "friend_remove", "block", "unblock", "friends", "room_create", "room_join", "room_leave", "rooms", "topic", "room_guests",
                 "upload", "download", "upload_cancel", "files":
                guard let id else {
                    throw WireDecodingFailure(
                        requestID: nil,
                        error: ProtocolError(.requestInvalid, "A \"\(type)\" request needs an \"id\" from 0 to 4294967295.")
                    )
                }
                self = .request(id: id, try Request(type: type, from: container))
            default:
                throw WireDecodingFailure(
                    requestID: id,
                    error: ProtocolError(.requestUnknownType, "There is no message type \"\(type)\".")
                )
            }
        } catch let error as DecodingError {
            throw WireDecodingFailure(requestID: id, error: ProtocolError(.requestInvalid, error.sentence))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        switch self {
        case .hello(let hello):
            try container.encode("hello", forKey: "type")
            try container.encode(hello.version, forKey: "version")
            try container.encode(hello.client, forKey: "client")
        case .pong:
            try container.encode("pong", forKey: "type")
        case .request(let id, let request):
            try container.encode(id, forKey: "id")
            try request.encode(into: &container)
        }
    }
}

extension Request {
    init(type: String, from container: KeyedDecodingContainer<WireKey>) throws {
        switch type {
        case "register":
            self = .register(
                name: try container.decode(String.self, forKey: "name"),
                password: try container.decode(String.self, forKey: "password")
            )
        case "login":
            self = .logIn(
                name: try container.decode(String.self, forKey: "name"),
                password: try container.decode(String.self, forKey: "password"),
                takeOver: try container.decodeIfPresent(Bool.self, forKey: "take_over") ?? false,
                quiet: try container.decodeIfPresent(Bool.self, forKey: "quiet") ?? false
            )
        case "resume":
            self = .resume(
                name: try container.decode(String.self, forKey: "name"),
                token: try container.decode(String.self, forKey: "token"),
                takeOver: try container.decodeIfPresent(Bool.self, forKey: "take_over") ?? false,
                quiet: try container.decodeIfPresent(Bool.self, forKey: "quiet") ?? false
            )
        case "guest": self = .guest(name: try container.decode(String.self, forKey: "name"))
        case "logout": self = .logout
        case "password_change":
            self = .changePassword(
                password: try container.decode(String.self, forKey: "password"),
                newPassword: try container.decode(String.self, forKey: "new_password")
            )
        case "logout_all": self = .logoutEverywhere
        case "account_delete": self = .deleteAccount(password: try container.decode(String.self, forKey: "password"))
        case "send":
            self = .send(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                text: try container.decode(String.self, forKey: "text")
            )
        case "away_received": self = .awayReceived(through: try container.decode(Int64.self, forKey: "through"))
        case "search": self = .search(try SearchQuery(from: container))
        case "room": self = .room(name: try container.decode(String.self, forKey: "name"))
        case "mark_read":
            self = .markRead(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                through: try container.decode(Int64.self, forKey: "through")
            )
        case "history":
            self = .history(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                page: try HistoryPage(from: container)
            )
        case "friend_request": self = .friendRequest(name: try container.decode(String.self, forKey: "name"))
        case "friend_accept": self = .friendAccept(name: try container.decode(String.self, forKey: "name"))
        case "friend_decline": self = .friendDecline(name: try container.decode(String.self, forKey: "name"))
        case "friend_remove": self = .friendRemove(name: try container.decode(String.self, forKey: "name"))
        case "block": self = .block(name: try container.decode(String.self, forKey: "name"))
        case "unblock": self = .unblock(name: try container.decode(String.self, forKey: "name"))
        case "friends": self = .friends
        case "room_create":
            self = .createRoom(
                name: try container.decode(String.self, forKey: "name"),
                topic: try container.decodeIfPresent(String.self, forKey: "topic") ?? "",
                openTopic: try container.decodeIfPresent(Bool.self, forKey: "open_topic") ?? false
            )
        case "room_join": self = .join(name: try container.decode(String.self, forKey: "name"))
        case "room_leave": self = .leave(name: try container.decode(String.self, forKey: "name"))
        case "rooms": self = .rooms(after: try container.decodeIfPresent(String.self, forKey: "after"))
        case "room_guests":
            self = .setGuests(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                allow: try container.decode(Bool.self, forKey: "allow")
            )
        case "upload":
            self = .upload(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                name: try container.decode(String.self, forKey: "name"),
                size: try container.decode(Int64.self, forKey: "size"),
                sha256: try container.decode(String.self, forKey: "sha256")
            )
        case "download":
            self = .download(
                file: try container.decode(Int64.self, forKey: "file"),
                offset: try container.decodeIfPresent(Int64.self, forKey: "offset") ?? 0
            )
        case "upload_cancel": self = .cancelUpload(transfer: try container.decode(UInt32.self, forKey: "transfer"))
        case "files": self = .files(conversation: try container.decode(ConversationID.self, forKey: "conversation"))
        default:
            self = .setTopic(
                conversation: try container.decode(ConversationID.self, forKey: "conversation"),
                topic: try container.decode(String.self, forKey: "topic")
            )
        }
    }

    func encode(into container: inout KeyedEncodingContainer<WireKey>) throws {
        switch self {
        case .register(let name, let password):
            try container.encode("register", forKey: "type")
            try container.encode(name, forKey: "name")
            try container.encode(password, forKey: "password")
        case .logIn(let name, let password, let takeOver, let quiet):
            try container.encode("login", forKey: "type")
            try container.encode(name, forKey: "name")
            try container.encode(password, forKey: "password")
            try container.encode(takeOver, forKey: "take_over")
            if quiet { try container.encode(true, forKey: "quiet") }
        case .resume(let name, let token, let takeOver, let quiet):
            try container.encode("resume", forKey: "type")
            try container.encode(name, forKey: "name")
            try container.encode(token, forKey: "token")
            try container.encode(takeOver, forKey: "take_over")
            if quiet { try container.encode(true, forKey: "quiet") }
        case .guest(let name):
            try container.encode("guest", forKey: "type")
            try container.encode(name, forKey: "name")
        case .logout: try container.encode("logout", forKey: "type")
        case .changePassword(let password, let newPassword):
            try container.encode("password_change", forKey: "type")
            try container.encode(password, forKey: "password")
            try container.encode(newPassword, forKey: "new_password")
        case .logoutEverywhere: try container.encode("logout_all", forKey: "type")
        case .deleteAccount(let password):
            try container.encode("account_delete", forKey: "type")
            try container.encode(password, forKey: "password")
        case .send(let conversation, let text):
            try container.encode("send", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try container.encode(text, forKey: "text")
        case .awayReceived(let through):
            try container.encode("away_received", forKey: "type")
            try container.encode(through, forKey: "through")
        case .room(let name):
            try container.encode("room", forKey: "type")
            try container.encode(name, forKey: "name")
        case .search(let query):
            try container.encode("search", forKey: "type")
            try query.encode(into: &container)
        case .markRead(let conversation, let through):
            try container.encode("mark_read", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try container.encode(through, forKey: "through")
        case .history(let conversation, let page):
            try container.encode("history", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try page.encode(into: &container)
        case .friendRequest(let name): try encodeNamed("friend_request", name, into: &container)
        case .friendAccept(let name): try encodeNamed("friend_accept", name, into: &container)
        case .friendDecline(let name): try encodeNamed("friend_decline", name, into: &container)
        case .friendRemove(let name): try encodeNamed("friend_remove", name, into: &container)
        case .block(let name): try encodeNamed("block", name, into: &container)
        case .unblock(let name): try encodeNamed("unblock", name, into: &container)
        case .friends: try container.encode("friends", forKey: "type")
        case .createRoom(let name, let topic, let openTopic):
            try encodeNamed("room_create", name, into: &container)
            try container.encode(topic, forKey: "topic")
            try container.encode(openTopic, forKey: "open_topic")
        case .join(let name): try encodeNamed("room_join", name, into: &container)
        case .leave(let name): try encodeNamed("room_leave", name, into: &container)
        case .rooms(let after):
            try container.encode("rooms", forKey: "type")
            try container.encodeIfPresent(after, forKey: "after")
        case .setTopic(let conversation, let topic):
            try container.encode("topic", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try container.encode(topic, forKey: "topic")
        case .setGuests(let conversation, let allow):
            try container.encode("room_guests", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
            try container.encode(allow, forKey: "allow")
        case .upload(let conversation, let name, let size, let sha256):
            try encodeNamed("upload", name, into: &container)
            try container.encode(conversation, forKey: "conversation")
            try container.encode(size, forKey: "size")
            try container.encode(sha256, forKey: "sha256")
        case .download(let file, let offset):
            try container.encode("download", forKey: "type")
            try container.encode(file, forKey: "file")
            try container.encode(offset, forKey: "offset")
        case .cancelUpload(let transfer):
            try container.encode("upload_cancel", forKey: "type")
            try container.encode(transfer, forKey: "transfer")
        case .files(let conversation):
            try container.encode("files", forKey: "type")
            try container.encode(conversation, forKey: "conversation")
        }
    }
}

extension HistoryPage {
    /// `before` and `after` are exclusive; neither means the latest messages.
    init(from container: KeyedDecodingContainer<WireKey>) throws {
        let limit = try container.decode(Int.self, forKey: "limit")
        let before = try container.decodeIfPresent(Int64.self, forKey: "before")
        let after = try container.decodeIfPresent(Int64.self, forKey: "after")
        switch (before, after) {
        case (nil, nil): self = .latest(limit: limit)
        case (let id?, nil): self = .before(id: id, limit: limit)
        case (nil, let id?): self = .after(id: id, limit: limit)
        case (.some, .some):
            throw DecodingError.dataCorruptedError(
                forKey: "after", in: container, debugDescription: "before and after together"
            )
        }
    }

    func encode(into container: inout KeyedEncodingContainer<WireKey>) throws {
        try container.encode(limit, forKey: "limit")
        switch self {
        case .latest: break
        case .before(let id, _): try container.encode(id, forKey: "before")
        case .after(let id, _): try container.encode(id, forKey: "after")
        }
    }
}
