import ParleyDomain

// The domain's values as the Parley wire spells them (docs/PROTOCOL.md):
// the key names live here, not on the values.

extension ConversationID: Codable {}
extension ErrorCode: Codable {}
extension FileType: Codable {}

extension ChatMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        self.init(
            id: try container.decode(Int64.self, forKey: "id"),
            conversation: try container.decode(ConversationID.self, forKey: "conversation"),
            sender: try container.decode(String.self, forKey: "from"),
            text: try container.decode(String.self, forKey: "text"),
            time: try container.decode(Int64.self, forKey: "time"),
            file: try container.decodeIfPresent(FileInfo.self, forKey: "file")
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(id, forKey: "id")
        try container.encode(conversation, forKey: "conversation")
        try container.encode(sender, forKey: "from")
        try container.encode(text, forKey: "text")
        try container.encode(time, forKey: "time")
        try container.encodeIfPresent(file, forKey: "file")
    }
}

extension FileInfo: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        self.init(
            id: try container.decode(Int64.self, forKey: "id"),
            conversation: try container.decode(ConversationID.self, forKey: "conversation"),
            name: try container.decode(String.self, forKey: "name"),
            size: try container.decode(Int64.self, forKey: "size"),
            sha256: try container.decode(String.self, forKey: "sha256"),
            type: try container.decode(FileType.self, forKey: "type"),
            sender: try container.decode(String.self, forKey: "from"),
            time: try container.decode(Int64.self, forKey: "time")
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(id, forKey: "id")
        try container.encode(conversation, forKey: "conversation")
        try container.encode(name, forKey: "name")
        try container.encode(size, forKey: "size")
        try container.encode(sha256, forKey: "sha256")
        try container.encode(type, forKey: "type")
        try container.encode(sender, forKey: "from")
        try container.encode(time, forKey: "time")
    }
}

extension Person: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        self.init(
            name: try container.decode(String.self, forKey: "name"),
            online: try container.decode(Bool.self, forKey: "online"),
            guest: try container.decodeIfPresent(Bool.self, forKey: "guest") ?? false
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(name, forKey: "name")
        try container.encode(online, forKey: "online")
        if guest { try container.encode(true, forKey: "guest") }
    }
}

extension FriendList: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: WireKey.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try encode(into: &container)
    }

    init(from container: KeyedDecodingContainer<WireKey>) throws {
        self.init(
            friends: try container.decode([Friend].self, forKey: "friends"),
            incoming: try container.decode([String].self, forKey: "incoming"),
            outgoing: try container.decode([String].self, forKey: "outgoing"),
            blocked: try container.decodeIfPresent([String].self, forKey: "blocked") ?? []
        )
    }

    func encode(into container: inout KeyedEncodingContainer<WireKey>) throws {
        try container.encode(friends, forKey: "friends")
        try container.encode(incoming, forKey: "incoming")
        try container.encode(outgoing, forKey: "outgoing")
        try container.encode(blocked, forKey: "blocked")
    }
}

extension RoomSnapshot: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        self.init(
            name: try container.decode(ConversationID.self, forKey: "name"),
            topic: try container.decode(String.self, forKey: "topic"),
            openTopic: try container.decode(Bool.self, forKey: "open_topic"),
            members: try container.decode([Member].self, forKey: "members"),
            memberCount: try container.decode(Int.self, forKey: "member_count"),
            onlineCount: try container.decode(Int.self, forKey: "online_count"),
            history: try container.decode([ChatMessage].self, forKey: "history"),
            hasMore: try container.decode(Bool.self, forKey: "has_more")
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(name, forKey: "name")
        try container.encode(topic, forKey: "topic")
        try container.encode(openTopic, forKey: "open_topic")
        try container.encode(members, forKey: "members")
        try container.encode(memberCount, forKey: "member_count")
        try container.encode(onlineCount, forKey: "online_count")
        try container.encode(history, forKey: "history")
        try container.encode(hasMore, forKey: "has_more")
    }
}

extension RoomInfo: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        self.init(
            name: try container.decode(ConversationID.self, forKey: "name"),
            topic: try container.decode(String.self, forKey: "topic"),
            members: try container.decode(Int.self, forKey: "members"),
            online: try container.decode(Int.self, forKey: "online"),
            joined: try container.decode(Bool.self, forKey: "joined")
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(name, forKey: "name")
        try container.encode(topic, forKey: "topic")
        try container.encode(members, forKey: "members")
        try container.encode(online, forKey: "online")
        try container.encode(joined, forKey: "joined")
    }
}

extension ServerLimits: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        self.init(
            maxFrameBytes: try container.decode(Int.self, forKey: "max_frame_bytes"),
            maxMessageCharacters: try container.decode(Int.self, forKey: "max_message_chars"),
            // Announced since protocol 2's byte budgets; an older server's
            // hello has none, and its limits were these.
            maxMessageBytes: try container.decodeIfPresent(Int.self, forKey: "max_message_bytes") ?? ServerLimits().maxMessageBytes,
            historyOnLogin: try container.decode(Int.self, forKey: "history_on_login"),
            historyPageMax: try container.decode(Int.self, forKey: "history_page_max"),
            rateBurst: try container.decode(Int.self, forKey: "rate_burst"),
            ratePerSecond: try container.decode(Double.self, forKey: "rate_per_second"),
            heartbeatTimeoutSeconds: try container.decode(Double.self, forKey: "heartbeat_timeout_seconds"),
            maxTopicCharacters: try container.decode(Int.self, forKey: "max_topic_chars"),
            maxTopicBytes: try container.decodeIfPresent(Int.self, forKey: "max_topic_bytes") ?? ServerLimits().maxTopicBytes,
            maxMarksPerCharacter: try container.decodeIfPresent(Int.self, forKey: "max_marks_per_character")
                ?? ServerLimits().maxMarksPerCharacter,
            maxRoomsPerUser: try container.decode(Int.self, forKey: "max_rooms_per_user"),
            maxFileBytes: try container.decode(Int64.self, forKey: "max_file_bytes"),
            maxTransfers: try container.decode(Int.self, forKey: "max_transfers"),
            largeRoomMembers: try container.decode(Int.self, forKey: "large_room_members"),
            maxReplyBytes: try container.decodeIfPresent(Int.self, forKey: "max_reply_bytes") ?? ServerLimits().maxReplyBytes
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(maxFrameBytes, forKey: "max_frame_bytes")
        try container.encode(maxMessageCharacters, forKey: "max_message_chars")
        try container.encode(maxMessageBytes, forKey: "max_message_bytes")
        try container.encode(historyOnLogin, forKey: "history_on_login")
        try container.encode(historyPageMax, forKey: "history_page_max")
        try container.encode(rateBurst, forKey: "rate_burst")
        try container.encode(ratePerSecond, forKey: "rate_per_second")
        try container.encode(heartbeatTimeoutSeconds, forKey: "heartbeat_timeout_seconds")
        try container.encode(maxTopicCharacters, forKey: "max_topic_chars")
        try container.encode(maxTopicBytes, forKey: "max_topic_bytes")
        try container.encode(maxMarksPerCharacter, forKey: "max_marks_per_character")
        try container.encode(maxRoomsPerUser, forKey: "max_rooms_per_user")
        try container.encode(maxFileBytes, forKey: "max_file_bytes")
        try container.encode(maxTransfers, forKey: "max_transfers")
        try container.encode(largeRoomMembers, forKey: "large_room_members")
        try container.encode(maxReplyBytes, forKey: "max_reply_bytes")
    }
}

extension SnippetPart: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        self.init(
            try container.decode(String.self, forKey: "text"),
            isMatch: try container.decodeIfPresent(Bool.self, forKey: "match") ?? false
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(text, forKey: "text")
        if isMatch { try container.encode(true, forKey: "match") }
    }
}

extension SearchHit: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: WireKey.self)
        self.init(
            message: try container.decode(ChatMessage.self, forKey: "message"),
            snippet: try container.decode([SnippetPart].self, forKey: "snippet")
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(message, forKey: "message")
        try container.encode(snippet, forKey: "snippet")
    }
}

extension SearchQuery {
    init(from container: KeyedDecodingContainer<WireKey>) throws {
        self.init(
            try container.decode(String.self, forKey: "text"),
            conversation: try container.decodeIfPresent(ConversationID.self, forKey: "conversation"),
            from: try container.decodeIfPresent(String.self, forKey: "from"),
            since: try container.decodeIfPresent(Int64.self, forKey: "since"),
            until: try container.decodeIfPresent(Int64.self, forKey: "until"),
            beforeID: try container.decodeIfPresent(Int64.self, forKey: "before_id"),
            limit: try container.decodeIfPresent(Int.self, forKey: "limit") ?? SearchRules.defaultPage
        )
    }

    func encode(into container: inout KeyedEncodingContainer<WireKey>) throws {
        try container.encode(text, forKey: "text")
        try container.encodeIfPresent(conversation, forKey: "conversation")
        try container.encodeIfPresent(from, forKey: "from")
        try container.encodeIfPresent(since, forKey: "since")
        try container.encodeIfPresent(until, forKey: "until")
        try container.encodeIfPresent(beforeID, forKey: "before_id")
        try container.encode(limit, forKey: "limit")
    }
}
