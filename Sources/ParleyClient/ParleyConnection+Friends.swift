import ParleyDomain
import ParleyWire

extension ParleyConnection {
    /// Asks `name` to be friends (or accepts, if they asked first).
    public func requestFriend(_ name: String) async throws {
        try await expectDone(.friendRequest(name: name))
    }

    public func acceptFriend(_ name: String) async throws {
        try await expectDone(.friendAccept(name: name))
    }

    public func declineFriend(_ name: String) async throws {
        try await expectDone(.friendDecline(name: name))
    }

    public func removeFriend(_ name: String) async throws {
        try await expectDone(.friendRemove(name: name))
    }

    /// No more friend requests or private messages from `name`; a
    /// friendship with them ends.
    public func block(_ name: String) async throws {
        try await expectDone(.block(name: name))
    }

    public func unblock(_ name: String) async throws {
        try await expectDone(.unblock(name: name))
    }

    public func friends() async throws -> FriendList {
        guard case .friends(let list) = try await request(.friends) else {
            throw ParleyClientError.incompatibleServer("expected a \"friends\" reply")
        }
        return list
    }

    func expectDone(_ request: Request) async throws {
        guard case .done = try await self.request(request) else {
            throw ParleyClientError.incompatibleServer("expected a \"done\" reply")
        }
    }
}
