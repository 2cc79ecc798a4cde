import ParleyDomain
import ParleyStore

/// Rooms: creating, joining, leaving, listing, topics, and who may post
/// where.
public struct RoomService: Sendable {
    let store: any ChatStore
    let hub: Hub
    let limits: ServerLimits
    /// Shown as a member of every room when the robot answers.
    let robotName: String?
    /// Rooms each user may create in a day.
    let creations: WindowCounter

    public func create(_ name: String, topic: String, openTopic: Bool, by user: StoredUser) async throws -> RoomSnapshot {
        let key = try NameRules.validate(name)
        try TopicRules.validate(topic, within: limits.topicBudget)
        try await checkRoomCount(of: user)
        guard creations.take(Self.key(user), now: Double(Timestamp.nowMillis()) / 1000) else {
            throw DomainError.tooManyRoomsCreated(max: creations.limit)
        }
        // Rooms are made seldom (a day's limit per user), so the list is
        // read whole rather than kept with a skeleton per row.
        let skeleton = NameRules.skeleton(for: name)
        if let lookalike = try await store.allRooms().first(where: {
            NameRules.key(for: $0.room.name) != key && NameRules.skeleton(for: $0.room.name) == skeleton
        }) {
            throw DomainError.roomConfusable(name: name, existing: lookalike.room.name)
        }
        var room: StoredConversation
        do {
            room = try await store.createRoom(
                name: name, nameKey: key, topic: topic, openTopic: openTopic, creator: user, at: Timestamp.nowMillis()
            )
        } catch StoreError.nameTaken {
            let existing = try await store.room(nameKey: key)
            throw DomainError.roomExists(name: existing?.name ?? name)
        }
        if user.isGuest {
            // A guest's room is for guests, as IRC channels are for whoever joins.
            try await store.setAllowGuests(true, in: room)
            room.allowGuests = true
        }
        hub.join(room, key: Self.key(user), name: user.name)
        return try await snapshot(of: room)
    }

    public func join(_ name: String, by user: StoredUser) async throws -> RoomSnapshot {
        let room = try await existing(name)
        // A guest is in the lobby from the start, and joins only rooms that let guests in.
        guard !user.isGuest || room.allowGuests else { throw DomainError.roomClosedToGuests(room: room.name) }
        try await checkRoomCount(of: user)
        guard try await store.join(user, to: room, at: Timestamp.nowMillis()) else {
            throw DomainError.alreadyMember(room: room.name)
        }
        // Present before the history is read: a message committed meanwhile
        // arrives as an event or in the history, and the client merges by id.
        hub.join(room, key: Self.key(user), name: user.name)
        return try await snapshot(of: room)
    }

    /// A room the user is in, as joining it shows it: for a session that
    /// heard the user joined it elsewhere.
    public func view(_ name: String, by user: StoredUser) async throws -> RoomSnapshot {
        let room = try await membership(ConversationID(rawValue: name), of: user)
        // The hub's copy of the room may be older than the last topic change.
        return try await snapshot(of: try await store.room(nameKey: NameRules.key(for: room.name)) ?? room)
    }

    public func leave(_ name: String, by user: StoredUser) async throws {
        let room = try await existing(name)
        guard room.conversation != .lobby else {
            throw DomainError.lobbyCannotBeLeft
        }
        guard try await store.leave(user, from: room) else {
            throw DomainError.notMember(room: room.name)
        }
        hub.leave(room, key: Self.key(user), name: user.name)
    }

    /// The rooms after the one named `after` (the lobby first, then by
    /// name), as many as fit the reply budget; `more` when others follow.
    public func list(for user: StoredUser, after: String?) async throws -> (rooms: [RoomInfo], more: Bool) {
        let mine = Set(hub.rooms(of: Self.key(user)).map(\.id))
        let lobby = ConversationID.lobby.rawValue
        let cursor = after.map(NameRules.key(for:))
        let rooms = try await store.allRooms().filter { count in
            guard let cursor else { return true }
            let key = NameRules.key(for: count.room.name)
            return key != lobby && (cursor == lobby || key > cursor)
        }.map { count in
            RoomInfo(
                name: count.room.conversation, topic: count.room.topic, members: count.members,
                online: hub.onlineCount(in: count.room.id), joined: mine.contains(count.room.id)
            )
        }
        let page = limits.replyBudget.first(rooms, cost: ReplyBudget.cost(of:))
        return (page.kept, page.cut)
    }

    public func setTopic(_ topic: String, of conversation: ConversationID, by user: StoredUser) async throws {
        try TopicRules.validate(topic, within: limits.topicBudget)
        let room = try await membership(conversation, of: user)
        // The hub's copy of the room may be older than the last topic change.
        guard let current = try await store.room(nameKey: NameRules.key(for: room.name)) else {
            throw notFound(conversation.rawValue)
        }
        guard current.openTopic || current.createdBy == user.id else {
            throw DomainError.topicForbidden(room: room.name)
        }
        try await store.setTopic(topic, of: room)
        hub.publish(.topic(conversation: room.conversation, topic: topic, by: user.name), in: room.id)
    }

    /// Whether guests may join the room: its creator says. The lobby
    /// follows the server's `guests` setting instead.
    public func setGuests(_ allow: Bool, in conversation: ConversationID, by user: StoredUser) async throws {
        guard conversation != .lobby else { throw DomainError.guestsFollowServer }
        let room = try await existing(conversation.rawValue)
        guard room.createdBy == user.id else { throw DomainError.guestsForbidden(room: room.name) }
        try await store.setAllowGuests(allow, in: room)
    }

    /// The room `conversation` names, which `user` must be in to read or post.
    func membership(_ conversation: ConversationID, of user: StoredUser) async throws -> StoredConversation {
        let key = NameRules.key(for: conversation.rawValue)
        if let room = hub.room(key, of: Self.key(user)) { return room }
        let room = try await existing(conversation.rawValue)
        guard try await store.isMember(user, of: room) else {
            throw DomainError.notMember(room: room.name)
        }
        return room
    }

    /// The user's rooms, to be present in when logging in.
    func rooms(of user: StoredUser) async throws -> [StoredConversation] {
        try await store.rooms(of: user)
    }

    /// How much of a room members see on arriving.
    var viewSize: RoomViewSize {
        RoomViewSize(history: limits.historyOnLogin, namingAtMost: limits.largeRoomMembers)
    }

    func snapshot(of room: StoredConversation) async throws -> RoomSnapshot {
        snapshot(of: try await store.roomView(room, size: viewSize))
    }

    /// A room as a member sees it on arriving: topic, members (online
    /// first, or only counted in a large room), latest messages.
    func snapshot(of view: RoomView) -> RoomSnapshot {
        let room = view.room
        let robot = robotName.map { Member(name: $0, online: true) }
        var members: [Member] = []
        if !view.memberNames.isEmpty {
            let online = Dictionary(hub.onlineMembers(in: room.id).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let all = view.memberNames.map { online[$0] ?? Member(name: $0, online: false) } + (robot.map { [$0] } ?? [])
            members = all.filter(\.online) + all.filter { !$0.online }
        }
        // The counts are of people, as in the room list: the robot is listed, not counted.
        return RoomSnapshot(
            name: room.conversation, topic: room.topic, openTopic: room.openTopic, members: members,
            memberCount: view.memberCount, onlineCount: hub.onlineCount(in: room.id),
            history: view.history, hasMore: view.hasMore
        )
    }

    private func existing(_ name: String) async throws -> StoredConversation {
        guard let room = try await store.room(nameKey: NameRules.key(for: name)) else { throw notFound(name) }
        return room
    }

    private func notFound(_ name: String) -> DomainError {
        .roomNotFound(name: name)
    }

    private func checkRoomCount(of user: StoredUser) async throws {
        let count = try await store.rooms(of: user).count
        guard count < limits.maxRoomsPerUser else {
            throw DomainError.tooManyRooms(count: count, max: limits.maxRoomsPerUser)
        }
    }

    static func key(_ user: StoredUser) -> String {
        NameRules.key(for: user.name)
    }
}
