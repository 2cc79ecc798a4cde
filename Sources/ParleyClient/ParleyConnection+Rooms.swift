import ParleyDomain
import ParleyWire

extension ParleyConnection {
    /// Creates a room and enters it.
    public func createRoom(_ name: String, topic: String = "", openTopic: Bool = false) async throws -> RoomSnapshot {
        try await expectRoom(.createRoom(name: name, topic: topic, openTopic: openTopic))
    }

    public func join(_ name: String) async throws -> RoomSnapshot {
        try await expectRoom(.join(name: name))
    }

    /// A room you are in, as joining it shows it.
    public func room(_ name: String) async throws -> RoomSnapshot {
        try await expectRoom(.room(name: name))
    }

    public func leave(_ name: String) async throws {
        try await expectDone(.leave(name: name))
    }

    /// Every room, the lobby first, with counts and whether you are in it.
    public func rooms() async throws -> [RoomInfo] {
        var rooms: [RoomInfo] = []
        while true {
            guard case .rooms(let page, let more) = try await request(.rooms(after: rooms.last?.name.rawValue)) else {
                throw ParleyClientError.incompatibleServer("expected a \"rooms\" reply")
            }
            rooms += page
            if !more || page.isEmpty { return rooms }
        }
    }

    /// An empty topic clears it.
    public func setTopic(_ topic: String, of room: ConversationID) async throws {
        try await expectDone(.setTopic(conversation: room, topic: topic))
    }

    /// Lets guests join `room`, or keeps them out; only its creator may.
    public func setGuests(_ allow: Bool, in room: ConversationID) async throws {
        try await expectDone(.setGuests(conversation: room, allow: allow))
    }

    private func expectRoom(_ request: Request) async throws -> RoomSnapshot {
        guard case .room(let room) = try await self.request(request) else {
            throw ParleyClientError.incompatibleServer("expected a \"room\" reply")
        }
        return room
    }
}
